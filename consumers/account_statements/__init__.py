"""The account-statements flow: B2B monthly statements, account summaries and aging notices, on a schedule
(``commerce.schedules.v1`` requests from ``bcx statements plan``). See docs/account-statements.md."""
