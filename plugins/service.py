"""What every headless service shares: it signs in as a person holding the role `system`, never as the
store's owner (docs/SECURITY.md: no service runs as the owner), so its writes pass the same row-level
policies and carry the same actor as anyone's."""

from __future__ import annotations

from gridwatch.db.errors import Forbidden
from gridwatch.db.store import Store


def check_system_sign_in(store: Store, service: str, login: str, user_add: str) -> str:
    """The person `service` acts as. On PostgreSQL it is its own sign-in holding the role system (the
    owner's connection and a person without that role are refused, with the command that makes one:
    `user_add`, `login` in the example URL); on SQLite the built-in `system`."""
    who = store.whoami()
    if store.is_postgres and who is None:
        raise Forbidden(
            f"The {service} service does not run as the store's owner: sign in as a person holding the role "
            f"system ({user_add}), e.g. --db postgresql+psycopg://{login}@HOST/gridwatch."
        )
    if who is not None:
        with store.session() as session:
            roles = store.actor(session, who).roles
        if "system" not in roles:
            raise Forbidden(
                f"The {service} service signs in as a person holding the role system; {who} holds "
                f"{', '.join(sorted(roles)) or 'no role'} (gridwatch user add … --role system)."
            )
    return who or "system"
