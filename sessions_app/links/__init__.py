"""The rules of issuing a portal session: confirmation tokens, kill switch, per-agent limits."""
