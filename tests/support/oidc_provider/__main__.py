"""`python -m tests.support.oidc_provider`: migrate, register the console, serve on loopback.

The environment names the port, SQLite file, admin token and secret key (see settings.py); the
arguments register the console as a confidential client that skips the consent screen.
"""

import argparse
import os
import sys


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(prog="python -m tests.support.oidc_provider")
    parser.add_argument("--client-id", required=True)
    parser.add_argument("--client-secret", required=True)
    parser.add_argument("--redirect-uri", action="append", required=True)
    parser.add_argument("--post-logout-redirect-uri", action="append", required=True)
    args = parser.parse_args(argv)

    os.environ["DJANGO_SETTINGS_MODULE"] = "tests.support.oidc_provider.settings"
    import django

    django.setup()
    from django.core.management import call_command
    from django.core.servers.basehttp import run
    from django.core.wsgi import get_wsgi_application
    from oauth2_provider.models import Application

    from tests.support.oidc_provider import settings as provider_settings

    call_command("migrate", verbosity=0)
    application, _ = Application.objects.update_or_create(
        client_id=args.client_id,
        defaults={
            "name": "portal console",
            "client_type": Application.CLIENT_CONFIDENTIAL,
            "authorization_grant_type": Application.GRANT_AUTHORIZATION_CODE,
            "client_secret": args.client_secret,  # hashed on save
            "redirect_uris": " ".join(args.redirect_uri),
            "post_logout_redirect_uris": " ".join(args.post_logout_redirect_uri),
            "algorithm": Application.RS256_ALGORITHM,  # the default "" would sign no ID token
            "skip_authorization": True,  # a first-party client: no consent screen
        },
    )
    application.full_clean()
    print(f"identity provider ready on {provider_settings.ORIGIN}", flush=True)
    run("127.0.0.1", provider_settings.PORT, get_wsgi_application(), threading=True)


if __name__ == "__main__":
    main(sys.argv[1:])
