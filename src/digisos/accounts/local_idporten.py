"""A local ID-porten for the quick start and the tests: a real OIDC provider process (oidc-provider-mock)
whose users are the synthetic demo personas and demo employees.

    python -m digisos.accounts.local_idporten --port 9400

It issues ID tokens the way ID-porten does (`pid`, `acr`, `amr`), requires a nonce, and ends the session at
`/oauth2/end_session` without a confirmation page, as ID-porten does. Never run it in production: anyone can
log in as anyone.
"""

import argparse
import json
import logging
from pathlib import Path
from typing import Any

import flask
import jinja2
import werkzeug.serving
from oidc_provider_mock import User, init_app

SRC_DIR = Path(__file__).resolve().parent.parent
DEFAULT_POPULATION = SRC_DIR / "data" / "demo" / "population.json"
DEFAULT_EMPLOYEES = Path(__file__).resolve().parent / "data" / "demo_employees.json"
TEMPLATES = Path(__file__).resolve().parent / "local_idporten_templates"

HIGH = "idporten-loa-high"
SUBSTANTIAL = "idporten-loa-substantial"
LOW_ACR_SUFFIX = ".lavt-niva"
# Test users for the login failures: a pid that is not a valid number, and one nobody in the register has.
INVALID_PID_SUB = "test-ugyldig-fodselsnummer"
UNKNOWN_PID_SUB = "test-ukjent-person"


def citizen_users(population_file: Path) -> tuple[list[User], list[dict[str, Any]]]:
    personas = json.loads(population_file.read_text(encoding="utf-8"))["personas"]
    users, choices = [], []
    for persona in personas:
        record = persona["folkeregister"]
        claims = {
            "pid": persona["pid"],
            "acr": HIGH,
            "amr": ["TestID"],
            "name": " ".join(
                p for p in (record["given_name"], record.get("middle_name"), record["family_name"]) if p
            ),
            "given_name": record["given_name"],
            "family_name": record["family_name"],
            "locale": "nb",
        }
        users.append(User(sub=persona["key"], claims=claims))
        users.append(User(sub=persona["key"] + LOW_ACR_SUFFIX, claims={**claims, "acr": SUBSTANTIAL}))
        choices.append({"sub": persona["key"], "label": persona["label_nb"]})
    users.append(User(sub=INVALID_PID_SUB, claims={"pid": "12345678901", "acr": HIGH, "amr": ["TestID"]}))
    # Valid synthetic number (1 January 1970, Tenor) that is not in the demo population.
    users.append(User(sub=UNKNOWN_PID_SUB, claims={"pid": "01817010055", "acr": HIGH, "amr": ["TestID"]}))
    return users, choices


def employee_users(employees_file: Path) -> tuple[list[User], list[dict[str, Any]]]:
    employees = json.loads(employees_file.read_text(encoding="utf-8"))["employees"]
    users = [
        User(
            sub=e["sub"],
            claims={
                "name": e["name"],
                "email": e["email"],
                "NAVident": e["navident"],
                "roles": e["roles"],
                **({"municipality": e["municipality"]} if "municipality" in e else {}),
                **({"nav_office": e["nav_office"]} if "nav_office" in e else {}),
            },
        )
        for e in employees
    ]
    return users, [{"sub": e["sub"], "label": e["label_nb"]} for e in employees]


def create_app(
    population_file: Path = DEFAULT_POPULATION, employees_file: Path = DEFAULT_EMPLOYEES
) -> flask.Flask:
    citizens, citizen_choices = citizen_users(population_file)
    employees, employee_choices = employee_users(employees_file)
    app = flask.Flask(__name__)
    app.secret_key = b"local-idporten-only"
    # Our own accessible Norwegian pages take precedence over the mock's templates.
    app.jinja_loader = jinja2.FileSystemLoader(str(TEMPLATES))
    init_app(app, require_nonce=True, user_claims=[*citizens, *employees])
    # init_app turns on Werkzeug's interactive debugger; a login server must not run one.
    app.debug = False
    app.wsgi_app = app.wsgi_app.app  # type: ignore[attr-defined]

    @app.context_processor
    def choices() -> dict[str, Any]:
        return {
            "citizen_choices": citizen_choices,
            "employee_choices": employee_choices,
            "low_acr_suffix": LOW_ACR_SUFFIX,
            "invalid_pid_sub": INVALID_PID_SUB,
            "unknown_pid_sub": UNKNOWN_PID_SUB,
        }

    @app.before_request
    def end_session_at_once() -> Any:
        # ID-porten ends the session and sends the person back without asking; so do we.
        if flask.request.path == "/oauth2/end_session":
            target = flask.request.values.get("post_logout_redirect_uri")
            if not flask.request.values.get("id_token_hint"):
                return flask.render_template("logged_out.html", missing_hint=True), 400
            return flask.redirect(target) if target else flask.render_template("logged_out.html")
        return None

    return app


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=9400)
    parser.add_argument("--population", type=Path, default=DEFAULT_POPULATION)
    parser.add_argument("--employees", type=Path, default=DEFAULT_EMPLOYEES)
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    app = create_app(args.population, args.employees)
    server = werkzeug.serving.make_server(args.host, args.port, app, threaded=True)
    print(f"Local ID-porten (test only) at http://{args.host}:{args.port}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
