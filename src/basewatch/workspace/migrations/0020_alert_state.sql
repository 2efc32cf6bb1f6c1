-- Alerts' carried state (basewatch.alerts.carry): what a backfill leaves so that one new day of data
-- updates the alerts without recomputing the history. One row per count series, as of its last complete
-- day; and one row of settings: the parameters, the covered days per mode and a fingerprint of the
-- records counted on those days (if any changes, the next build redoes the whole history).
CREATE TABLE alert_state (
    series         VARCHAR PRIMARY KEY,  -- the series key, as in alerts.series
    mode           VARCHAR NOT NULL,
    direction      VARCHAR NOT NULL,
    site           VARCHAR,
    origin         VARCHAR,
    destination    VARCHAR,
    actor          VARCHAR,              -- NULL: all traffic
    through_day    DATE NOT NULL,        -- last day the state covers
    same_used      BOOLEAN NOT NULL,     -- left out as a copy of one actor's series in that run
    equal          BOOLEAN NOT NULL,     -- all traffic equal to one actor's series through through_day
    last_count_day DATE,                 -- last day with a count (NULL: none)
    up_stat DOUBLE NOT NULL, up_zero_day INTEGER NOT NULL, up_quiet BOOLEAN NOT NULL,
    up_rising INTEGER NOT NULL, up_sum_x DOUBLE NOT NULL, up_sum_m DOUBLE NOT NULL,
    down_stat DOUBLE NOT NULL, down_zero_day INTEGER NOT NULL, down_quiet BOOLEAN NOT NULL,
    down_rising INTEGER NOT NULL, down_sum_x DOUBLE NOT NULL, down_sum_m DOUBLE NOT NULL
    -- *_zero_day: days since 1970-01-01 (may lie before the data: a sum never at zero)
);

CREATE TABLE alert_state_meta (
    params   VARCHAR NOT NULL,  -- AlertParams as JSON
    extents  VARCHAR NOT NULL,  -- {"air": [first_day, last_testable_day], ...} (days since 1970-01-01)
    history  VARCHAR NOT NULL   -- fingerprint of the records counted on the covered days
);
