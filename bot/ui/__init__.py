"""Discord rendering: embeds and views built from the core's cards and results."""
