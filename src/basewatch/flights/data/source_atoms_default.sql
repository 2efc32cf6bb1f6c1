-- fingerprint: 86c7ab58b73684a3e070020b4d587d9c1cfb3ec5eed53e67c23169641da2b512
WITH "t10" AS (
  SELECT
    "t9"."icao24",
    "t9"."cell",
    "t9"."source_id",
    "t9"."after",
    "t9"."ground",
    COUNT(*) AS "n",
    SUM(CAST("t9"."new_leg" AS BIGINT)) AS "n_leg",
    SUM("t9"."at_flag") AS "n_at_flag",
    MAX("t9"."n_flags") AS "n_flags",
    MIN("t9"."t_us") AS "t0",
    MAX("t9"."t_us") AS "t1",
    MAX("t9"."callsign") AS "callsign",
    MIN("t9"."lat") AS "lat_min",
    MAX("t9"."lat") AS "lat_max",
    MIN("t9"."lon") AS "lon_min",
    MAX("t9"."lon") AS "lon_max",
    FIRST(
      {'t_us': "t9"."t_us", 'row_no': "t9"."row_no", 'lat': "t9"."lat", 'lon': "t9"."lon", 'alt_m': "t9"."alt_m", 'track_deg': "t9"."track_deg", 'gs_ms': "t9"."gs_ms", 'vrate_ms': "t9"."vrate_ms"} ORDER BY "t9"."order_key"
    ) AS "first",
    FIRST(
      {'t_us': "t9"."t_us", 'row_no': "t9"."row_no", 'lat': "t9"."lat", 'lon': "t9"."lon", 'alt_m': "t9"."alt_m", 'track_deg': "t9"."track_deg", 'gs_ms': "t9"."gs_ms", 'vrate_ms': "t9"."vrate_ms"} ORDER BY "t9"."order_key" DESC
    ) AS "last",
    MIN("t9"."alt_m") FILTER(WHERE
      "t9"."bucket" = 0) AS "alt_b0",
    MIN("t9"."alt_m") FILTER(WHERE
      "t9"."bucket" = 1) AS "alt_b1",
    MIN("t9"."alt_m") FILTER(WHERE
      "t9"."bucket" = 2) AS "alt_b2",
    MIN("t9"."alt_m") FILTER(WHERE
      "t9"."bucket" = 3) AS "alt_b3",
    MIN("t9"."alt_m") FILTER(WHERE
      "t9"."bucket" = 4) AS "alt_b4"
  FROM (
    SELECT
      "t8"."icao24",
      "t8"."t_us",
      "t8"."lat",
      "t8"."lon",
      "t8"."alt_baro_m",
      "t8"."alt_geom_m",
      "t8"."gs_ms",
      "t8"."track_deg",
      "t8"."vrate_ms",
      "t8"."on_ground",
      "t8"."new_leg",
      "t8"."callsign",
      "t8"."source_id",
      "t8"."row_no",
      "t8"."alt_m",
      "t8"."ground",
      "t8"."cell",
      "t8"."bucket",
      "t8"."order_key",
      "t8"."t_flag",
      "t8"."n_flags",
      COALESCE("t8"."t_us" >= "t8"."t_flag", FALSE) AS "after",
      CAST(COALESCE("t8"."t_us" = "t8"."t_flag", FALSE) AS BIGINT) AS "at_flag"
    FROM (
      SELECT
        "t7"."icao24",
        "t7"."t_us",
        "t7"."lat",
        "t7"."lon",
        "t7"."alt_baro_m",
        "t7"."alt_geom_m",
        "t7"."gs_ms",
        "t7"."track_deg",
        "t7"."vrate_ms",
        "t7"."on_ground",
        "t7"."new_leg",
        "t7"."callsign",
        "t7"."source_id",
        "t7"."row_no",
        "t7"."alt_m",
        "t7"."ground",
        "t7"."cell",
        "t7"."bucket",
        "t7"."order_key",
        "t5"."t_flag",
        "t5"."n_flags"
      FROM (
        SELECT
          "t0"."icao24",
          "t0"."t_us",
          "t0"."lat",
          "t0"."lon",
          "t0"."alt_baro_m",
          "t0"."alt_geom_m",
          "t0"."gs_ms",
          "t0"."track_deg",
          "t0"."vrate_ms",
          "t0"."on_ground",
          COALESCE("t0"."new_leg", FALSE) AS "new_leg",
          "t0"."callsign",
          "t0"."source_id",
          "t0"."row_no",
          COALESCE("t0"."alt_geom_m", "t0"."alt_baro_m") AS "alt_m",
          CASE
            WHEN "t0"."on_ground" IS NULL
            THEN (
              "t0"."gs_ms" IS NOT NULL
            )
            AND (
              "t0"."gs_ms" < 15.0
            )
            AND (
              (
                COALESCE("t0"."alt_geom_m", "t0"."alt_baro_m") IS NULL
              )
              OR (
                COALESCE("t0"."alt_geom_m", "t0"."alt_baro_m") < 5000.0
              )
            )
            WHEN "t0"."on_ground"
            THEN (
              (
                "t0"."gs_ms" IS NULL
              ) OR (
                "t0"."gs_ms" < 90.0
              )
            )
            AND (
              (
                COALESCE("t0"."alt_geom_m", "t0"."alt_baro_m") IS NULL
              )
              OR (
                COALESCE("t0"."alt_geom_m", "t0"."alt_baro_m") < 5000.0
              )
            )
            ELSE FALSE
          END AS "ground",
          CAST(FLOOR((
            "t0"."t_us"
          ) / (
            600000000
          )) AS BIGINT) AS "cell",
          CAST(FLOOR(
            (
              "t0"."t_us" - (
                CAST(FLOOR((
                  "t0"."t_us"
                ) / (
                  600000000
                )) AS BIGINT) * 600000000
              )
            ) / (
              120000000
            )
          ) AS BIGINT) AS "bucket",
          (
            (
              "t0"."t_us" - (
                CAST(FLOOR((
                  "t0"."t_us"
                ) / (
                  600000000
                )) AS BIGINT) * 600000000
              )
            ) * 8589934592
          ) + "t0"."row_no" AS "order_key"
        FROM "bw_source_points" AS "t0"
        WHERE
          "t0"."lat" IS NOT NULL AND "t0"."lon" IS NOT NULL
      ) AS "t7"
      LEFT OUTER JOIN (
        SELECT
          "t2"."icao24",
          "t2"."source_id",
          CAST(FLOOR((
            "t2"."t_us"
          ) / (
            600000000
          )) AS BIGINT) AS "cell",
          MIN("t2"."t_us") AS "t_flag",
          COUNT(*) AS "n_flags"
        FROM (
          SELECT
            "t0"."icao24",
            "t0"."t_us",
            "t0"."lat",
            "t0"."lon",
            "t0"."new_leg",
            "t0"."source_id"
          FROM "bw_source_points" AS "t0"
          WHERE
            "t0"."new_leg" AND "t0"."lat" IS NOT NULL AND "t0"."lon" IS NOT NULL
        ) AS "t2"
        GROUP BY
          1,
          2,
          3
      ) AS "t5"
        ON "t7"."icao24" = "t5"."icao24"
        AND "t7"."cell" = "t5"."cell"
        AND "t7"."source_id" = "t5"."source_id"
    ) AS "t8"
  ) AS "t9"
  GROUP BY
    1,
    2,
    3,
    4,
    5
), "t14" AS (
  SELECT DISTINCT
    "t13"."icao24",
    "t13"."cell",
    "t13"."source_id"
  FROM (
    SELECT
      "t11"."icao24",
      "t11"."cell",
      "t11"."source_id",
      "t11"."after",
      MIN("t11"."t0") FILTER(WHERE
        "t11"."ground") AS "g0",
      MAX("t11"."t1") FILTER(WHERE
        "t11"."ground") AS "g1",
      MIN("t11"."t0") FILTER(WHERE
        NOT (
          "t11"."ground"
        )) AS "a0",
      MAX("t11"."t1") FILTER(WHERE
        NOT (
          "t11"."ground"
        )) AS "a1",
      SUM("t11"."n_at_flag") AS "n_at_flag",
      MAX("t11"."n_flags") AS "n_flags"
    FROM "t10" AS "t11"
    GROUP BY
      1,
      2,
      3,
      4
  ) AS "t13"
  WHERE
    NOT (
      (
        "t13"."g0" IS NULL
      )
      OR (
        "t13"."a0" IS NULL
      )
      OR (
        "t13"."g1" < "t13"."a0"
      )
      OR (
        "t13"."a1" < "t13"."g0"
      )
    )
    OR (
      COALESCE("t13"."n_flags", 0) > 1
    )
    OR (
      "t13"."n_at_flag" > 1
    )
)
SELECT
  *
FROM (
  SELECT
    "t12"."icao24",
    "t12"."source_id",
    "t12"."cell",
    "t12"."t0",
    "t12"."t1",
    "t12"."n",
    "t12"."ground",
    "t12"."n_leg" > 0 AS "leg",
    -1 AS "row_no",
    "t12"."callsign",
    "t12"."lat_min",
    "t12"."lat_max",
    "t12"."lon_min",
    "t12"."lon_max",
    "t12"."first",
    "t12"."last",
    "t12"."alt_b0",
    "t12"."alt_b1",
    "t12"."alt_b2",
    "t12"."alt_b3",
    "t12"."alt_b4"
  FROM "t10" AS "t12"
  ANTI JOIN "t14" AS "t16"
    ON "t12"."icao24" = "t16"."icao24"
    AND "t12"."cell" = "t16"."cell"
    AND "t12"."source_id" = "t16"."source_id"
) AS "t18"
UNION ALL
SELECT
  *
FROM (
  SELECT
    "t21"."icao24",
    "t21"."source_id",
    "t21"."cell",
    "t21"."t_us" AS "t0",
    "t21"."t_us" AS "t1",
    1 AS "n",
    "t21"."ground",
    "t21"."new_leg" AS "leg",
    "t21"."row_no",
    "t21"."callsign",
    "t21"."lat" AS "lat_min",
    "t21"."lat" AS "lat_max",
    "t21"."lon" AS "lon_min",
    "t21"."lon" AS "lon_max",
    {'t_us': "t21"."t_us", 'row_no': "t21"."row_no", 'lat': "t21"."lat", 'lon': "t21"."lon", 'alt_m': "t21"."alt_m", 'track_deg': "t21"."track_deg", 'gs_ms': "t21"."gs_ms", 'vrate_ms': "t21"."vrate_ms"} AS "first",
    {'t_us': "t21"."t_us", 'row_no': "t21"."row_no", 'lat': "t21"."lat", 'lon': "t21"."lon", 'alt_m': "t21"."alt_m", 'track_deg': "t21"."track_deg", 'gs_ms': "t21"."gs_ms", 'vrate_ms': "t21"."vrate_ms"} AS "last",
    CASE WHEN "t21"."bucket" = 0 THEN "t21"."alt_m" ELSE CAST(NULL AS DOUBLE) END AS "alt_b0",
    CASE WHEN "t21"."bucket" = 1 THEN "t21"."alt_m" ELSE CAST(NULL AS DOUBLE) END AS "alt_b1",
    CASE WHEN "t21"."bucket" = 2 THEN "t21"."alt_m" ELSE CAST(NULL AS DOUBLE) END AS "alt_b2",
    CASE WHEN "t21"."bucket" = 3 THEN "t21"."alt_m" ELSE CAST(NULL AS DOUBLE) END AS "alt_b3",
    CASE WHEN "t21"."bucket" = 4 THEN "t21"."alt_m" ELSE CAST(NULL AS DOUBLE) END AS "alt_b4"
  FROM (
    SELECT
      "t20"."icao24",
      "t20"."t_us",
      "t20"."lat",
      "t20"."lon",
      "t20"."alt_baro_m",
      "t20"."alt_geom_m",
      "t20"."gs_ms",
      "t20"."track_deg",
      "t20"."vrate_ms",
      "t20"."on_ground",
      COALESCE("t20"."new_leg", FALSE) AS "new_leg",
      "t20"."callsign",
      "t20"."source_id",
      "t20"."row_no",
      COALESCE("t20"."alt_geom_m", "t20"."alt_baro_m") AS "alt_m",
      CASE
        WHEN "t20"."on_ground" IS NULL
        THEN (
          "t20"."gs_ms" IS NOT NULL
        )
        AND (
          "t20"."gs_ms" < 15.0
        )
        AND (
          (
            COALESCE("t20"."alt_geom_m", "t20"."alt_baro_m") IS NULL
          )
          OR (
            COALESCE("t20"."alt_geom_m", "t20"."alt_baro_m") < 5000.0
          )
        )
        WHEN "t20"."on_ground"
        THEN (
          (
            "t20"."gs_ms" IS NULL
          ) OR (
            "t20"."gs_ms" < 90.0
          )
        )
        AND (
          (
            COALESCE("t20"."alt_geom_m", "t20"."alt_baro_m") IS NULL
          )
          OR (
            COALESCE("t20"."alt_geom_m", "t20"."alt_baro_m") < 5000.0
          )
        )
        ELSE FALSE
      END AS "ground",
      CAST(FLOOR((
        "t20"."t_us"
      ) / (
        600000000
      )) AS BIGINT) AS "cell",
      CAST(FLOOR(
        (
          "t20"."t_us" - (
            CAST(FLOOR((
              "t20"."t_us"
            ) / (
              600000000
            )) AS BIGINT) * 600000000
          )
        ) / (
          120000000
        )
      ) AS BIGINT) AS "bucket",
      (
        (
          "t20"."t_us" - (
            CAST(FLOOR((
              "t20"."t_us"
            ) / (
              600000000
            )) AS BIGINT) * 600000000
          )
        ) * 8589934592
      ) + "t20"."row_no" AS "order_key"
    FROM (
      SELECT
        "t3"."icao24",
        "t3"."t_us",
        "t3"."lat",
        "t3"."lon",
        "t3"."alt_baro_m",
        "t3"."alt_geom_m",
        "t3"."gs_ms",
        "t3"."track_deg",
        "t3"."vrate_ms",
        "t3"."on_ground",
        "t3"."new_leg",
        "t3"."callsign",
        "t3"."source_id",
        "t3"."row_no"
      FROM (
        SELECT
          "t0"."icao24",
          "t0"."t_us",
          "t0"."lat",
          "t0"."lon",
          "t0"."alt_baro_m",
          "t0"."alt_geom_m",
          "t0"."gs_ms",
          "t0"."track_deg",
          "t0"."vrate_ms",
          "t0"."on_ground",
          "t0"."new_leg",
          "t0"."callsign",
          "t0"."source_id",
          "t0"."row_no"
        FROM "bw_source_points" AS "t0"
      ) AS "t3"
      SEMI JOIN (
        SELECT
          "t15"."icao24" AS "b_icao24",
          "t15"."source_id" AS "b_source",
          "t15"."cell" * 600000000 AS "lo",
          (
            "t15"."cell" + 1
          ) * 600000000 AS "hi"
        FROM "t14" AS "t15"
      ) AS "t19"
        ON "t3"."icao24" = "t19"."b_icao24"
        AND "t3"."t_us" >= "t19"."lo"
        AND "t3"."t_us" < "t19"."hi"
        AND "t3"."source_id" = "t19"."b_source"
    ) AS "t20"
    WHERE
      "t20"."lat" IS NOT NULL AND "t20"."lon" IS NOT NULL
  ) AS "t21"
) AS "t22"
