-- Retention: raw queue_metrics and worker_issues rows are folded into totals (one row per queue,
-- kind and outcome; per queue and error type) up to a watermark, then pruned once old. The
-- exporter reads totals + the raw rows after the watermark (an index range), so a scrape costs
-- the same whatever the age of the system.

CREATE TABLE queue_metric_totals (
    queue          text NOT NULL,
    kind           text NOT NULL,
    outcome        text NOT NULL DEFAULT '',
    events         bigint NOT NULL DEFAULT 0,
    read_count     bigint NOT NULL DEFAULT 0,
    dispatched     bigint NOT NULL DEFAULT 0,
    dead_lettered  bigint NOT NULL DEFAULT 0,
    duration_ms    bigint NOT NULL DEFAULT 0,
    PRIMARY KEY (queue, kind, outcome)
);

CREATE TABLE worker_issue_totals (
    queue       text NOT NULL,
    error_type  text NOT NULL,
    issues      bigint NOT NULL DEFAULT 0,
    PRIMARY KEY (queue, error_type)
);

-- Everything recorded at or before rolled_up_to is counted in the totals (one row, always).
CREATE TABLE rollup_watermark (
    only_row      boolean PRIMARY KEY DEFAULT true CHECK (only_row),
    rolled_up_to  timestamptz NOT NULL
);
INSERT INTO rollup_watermark (only_row, rolled_up_to) VALUES (true, '1970-01-01 00:00:00+00');  -- before anything was recorded

-- Time ranges without a queue (status's last hour, the exporter's rows after the watermark,
-- prune's old rows): the (queue, recorded_at) index cannot serve them.
CREATE INDEX queue_metrics_recorded_at_idx ON queue_metrics (recorded_at);
CREATE INDEX worker_issues_created_at_idx ON worker_issues (created_at);
