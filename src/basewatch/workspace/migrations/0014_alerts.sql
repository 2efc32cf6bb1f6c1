-- Alerts (basewatch.alerts, product `alerts`): surges, drawdowns, sustained shifts, new corridors and
-- dark periods near watched sites, each with its statistical basis and the records behind it.
-- Rebuilt as a whole by the product; dark alerts whose period disappeared are kept as 'retracted'.
CREATE TABLE alerts (
    alert_id     VARCHAR PRIMARY KEY,  -- stable across reruns: hash of kind, series and day (dark: vessel, start)
    kind         VARCHAR NOT NULL,     -- surge | drawdown | shift | new-corridor | dark
    mode         VARCHAR NOT NULL,     -- air | sea
    series       VARCHAR NOT NULL,     -- readable series key, e.g. 'air departures khmeimim | ru-mod-transport'
    site         VARCHAR,              -- site series and dark periods
    origin       VARCHAR,              -- corridor series: site id, else airport ICAO / port name
    destination  VARCHAR,
    actor        VARCHAR,              -- NULL: all traffic; an actor id; 'other': no watched actor
    direction    VARCHAR,              -- arrivals | departures | in_port | movements (NULL for dark)
    day          DATE,                 -- the day the alert is raised on (UTC)
    start_time   TIMESTAMPTZ,          -- span the alert covers (shift: from the change point)
    end_time     TIMESTAMPTZ,          -- exclusive; dark: end of the silence, NULL while open
    observed     DOUBLE NOT NULL,      -- count (shift: total over the span; dark: hours silent)
    expected     DOUBLE,               -- baseline mean (shift: total expected over the span)
    lower        DOUBLE,               -- 95 % prediction interval of the count
    upper        DOUBLE,
    p_value      DOUBLE,               -- mid-p exact tail of the negative-binomial predictive
    q_value      DOUBLE,               -- Benjamini-Hochberg across the tests of that day
    sigma        DOUBLE,               -- normal quantile of p_value, signed (+ surge, - drawdown)
    status       VARCHAR,              -- dark: open | closed | retracted
    method       VARCHAR NOT NULL,     -- the basis, in words
    evidence     JSON NOT NULL,        -- [{"kind": "flight"|"visit"|"port_call"|"voyage"|"dark_period", "id": "..."}]
    note         VARCHAR,
    history_days INTEGER,              -- days of history behind the baseline (new corridor: days looked back)
    tests        INTEGER,              -- size of that day's BH family
    level        DOUBLE                -- the BH level the alert passed
);
