-- Servers' own glossaries: name ownership, history, hidden shipped terms, misses, suggestions.

-- The normalised names of each server's active own terms. The primary key is what makes
-- two moderators adding the same name at the same moment end with exactly one winner.
CREATE TABLE term_names (
    guild_id INTEGER NOT NULL,
    norm     TEXT    NOT NULL,
    uid      INTEGER NOT NULL REFERENCES terms (uid) ON DELETE CASCADE,
    PRIMARY KEY (guild_id, norm)
);

CREATE TABLE term_revisions (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    guild_id   INTEGER NOT NULL,
    slug       TEXT    NOT NULL,
    action     TEXT    NOT NULL,   -- create, edit, remove, restore, revert, import, approve, reset
    actor_id   INTEGER NOT NULL,
    snapshot   TEXT,               -- the term (data/ schema, JSON) after the action; NULL when gone
    created_at TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);
CREATE INDEX term_revisions_by_term ON term_revisions (guild_id, slug, id);

CREATE TABLE hidden_terms (
    guild_id INTEGER NOT NULL,
    slug     TEXT    NOT NULL,
    PRIMARY KEY (guild_id, slug)
);

-- Only the normalised query and a count: nothing else about who asked or where.
CREATE TABLE lookup_misses (
    guild_id INTEGER NOT NULL,
    query    TEXT    NOT NULL,
    count    INTEGER NOT NULL DEFAULT 1,
    PRIMARY KEY (guild_id, query)
);

CREATE TABLE suggestions (
    id                INTEGER PRIMARY KEY AUTOINCREMENT,
    guild_id          INTEGER NOT NULL,
    user_id           INTEGER NOT NULL,
    payload           TEXT    NOT NULL,   -- the proposed term, data/ schema JSON
    status            TEXT    NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'approved', 'rejected')),
    decided_by        INTEGER,
    created_at        TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);
