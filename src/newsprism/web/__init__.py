"""The web UI: server-rendered pages (no build step, no scripts), every article text escaped."""
