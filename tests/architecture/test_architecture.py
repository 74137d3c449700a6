"""The architecture's one picture is the import-linter contract in pyproject.toml; README's table lists the apps
in the contract's order, bottom first, so that a newcomer reading either reads the same layers."""

import re
import tomllib

from tests.support.paths import ROOT

WIRING = {"portal.urls", "portal.api_urls", "portal.celery", "portal.wsgi"}


def contract_apps_bottom_first() -> list[str]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]
    (layers,) = [contract["layers"] for contract in config["contracts"] if contract["type"] == "layers"]
    apps = []
    for layer in reversed(layers):
        for module in re.split(r"[|:]", layer):
            module = module.strip()
            if module not in WIRING:
                apps.append(module.split(".")[0])
    return apps


def readme_apps() -> list[str]:
    text = (ROOT / "README.md").read_text()
    table = text[text.index("| app | owns |") :].split("\n\n")[0]
    return [re.match(r"\| `([a-z_]+)/`", row).group(1) for row in table.splitlines()[2:]]


def test_readme_lists_the_apps_in_the_contracts_order():
    assert readme_apps() == contract_apps_bottom_first()


def test_every_project_package_is_in_the_contract():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]
    packages = {path.parent.name for path in ROOT.glob("*/apps.py")} | {"portal"}
    assert packages == set(config["root_packages"])
    assert set(contract_apps_bottom_first()) == packages
