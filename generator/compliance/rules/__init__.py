"""compliance.rules."""
