"""What every content collection shares: slug, status, sources, tags, translations."""
