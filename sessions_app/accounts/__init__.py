"""Sign-in: the audit of sign-ins, lockout (django-axes) and the step-up password proof."""
