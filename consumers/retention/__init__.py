"""The retention flow: abandoned-cart letters, reminders, replenishment, win-back, price drops."""
