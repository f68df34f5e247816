"""The provider's claims: email, email_verified, names and a `groups` claim (scope `groups`)."""

from collections.abc import Callable
from typing import Any

from oauth2_provider.oauth2_validators import OAuth2Validator

# A provider-side flag kept as a group (Django users have no "verified" field); never a claim.
UNVERIFIED_EMAIL_GROUP = "_email_unverified"


class Validator(OAuth2Validator):  # type: ignore[misc]
    # Claims are filtered by the scope they belong to: `groups` needs its own entry.
    oidc_claim_scope = {**OAuth2Validator.oidc_claim_scope, "groups": "groups"}

    def get_additional_claims(self) -> dict[str, Callable[[Any], object]]:
        # DOT sets auth_time itself, from user.last_login (updated at every sign-in here).
        return {
            "email": lambda r: r.user.email,
            "email_verified": lambda r: not r.user.groups.filter(name=UNVERIFIED_EMAIL_GROUP).exists(),
            "preferred_username": lambda r: r.user.get_username(),
            "given_name": lambda r: r.user.first_name,
            "family_name": lambda r: r.user.last_name,
            "groups": lambda r: sorted(
                name for name in r.user.groups.values_list("name", flat=True) if not name.startswith("_")
            ),
        }
