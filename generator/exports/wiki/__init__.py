"""exports.wiki."""
