"""A test-only app with one model per encrypted field type (installed by grapefruit.settings_test)."""
