"""The rules of issuing a portal session, owned by one service (`service.issue`).

confirmation: one-time confirmation tokens; kill_switch: managers' and deployment's off switch;
limits: per-agent hourly and daily quotas; step_up: how recent an identity proof must be;
refusals: the typed refusals every rule raises.
"""
