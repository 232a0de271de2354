-- PostgreSQL only (SQLite serves one process): every change to terms or hidden_terms is announced
-- on the channel liandan_changes when its transaction commits, so each bot process keeps its
-- in-memory search index in step with writes made by the others (bot/core/index_sync.py).
-- Payloads carry ids, never rows: 't:<uid>:<guild_id>' or 'h:<+|->:<guild_id>:<slug>'.
CREATE FUNCTION liandan_term_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        PERFORM pg_notify('liandan_changes', 't:' || OLD.uid || ':' || OLD.guild_id);
    ELSE
        PERFORM pg_notify('liandan_changes', 't:' || NEW.uid || ':' || NEW.guild_id);
    END IF;
    RETURN NULL;
END $$;

CREATE FUNCTION liandan_hidden_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        PERFORM pg_notify('liandan_changes', 'h:-:' || OLD.guild_id || ':' || OLD.slug);
    ELSE
        PERFORM pg_notify('liandan_changes', 'h:+:' || NEW.guild_id || ':' || NEW.slug);
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER terms_changed AFTER INSERT OR UPDATE OR DELETE ON terms
    FOR EACH ROW EXECUTE FUNCTION liandan_term_changed();
CREATE TRIGGER hidden_terms_changed AFTER INSERT OR DELETE ON hidden_terms
    FOR EACH ROW EXECUTE FUNCTION liandan_hidden_changed();
