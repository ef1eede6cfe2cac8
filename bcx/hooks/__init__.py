"""Webhook subscriptions bcx needs in BigCommerce: which scopes, where to, and keeping them so.

- :mod:`bcx.hooks.scopes`: the declarative table use case → scopes;
- :mod:`bcx.hooks.settings`: ``HooksSettings`` (``BCX_BIGCOMMERCE__*``, ``BCX_HOOKS__*``);
- :mod:`bcx.hooks.plan` (pure): desired subscriptions + the hooks BigCommerce reports → actions;
- :mod:`bcx.hooks.status` (pure): ``/v3/hooks/admin`` → what is deactivated, missing or blocked;
- :mod:`bcx.hooks.render` (pure): tables for the CLI, never a secret;
- :mod:`bcx.hooks.service`: applies a plan and reads the status through ``BigCommerceClient``.
"""
