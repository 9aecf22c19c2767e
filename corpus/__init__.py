"""The bundled corpus (package data): tasks.toml and, per task, the mined records."""
