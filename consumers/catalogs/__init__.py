"""The catalogs flow: personalised catalogs and brochures per campaign recipient (docs/catalogs.md)."""
