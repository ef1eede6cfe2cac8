"""``bcx demo``: the whole pipeline on this machine, driven by real webhooks, with a summary at the end."""
