-- PostgreSQL mirror of migrations/0800_reports.sql.
CREATE TABLE term_reports (
    guild_id   BIGINT  NOT NULL,
    slug       TEXT    NOT NULL,
    shipped    INTEGER NOT NULL,
    user_id    BIGINT  NOT NULL,
    day        DATE    NOT NULL,
    note       TEXT    NOT NULL,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (guild_id, user_id, slug, day)
);
CREATE INDEX term_reports_shipped ON term_reports (shipped, slug);
