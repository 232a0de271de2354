"""炼丹词典 (Liandan): an AIGC glossary bot for Discord."""
