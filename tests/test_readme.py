"""The README stays true: its table reference is the declared schema."""

import re

from tests.conftest import REPO
from warehouse.docs import table_reference

README = (REPO / "README.md").read_text()


def readme_sql_examples() -> list[str]:
    """The ```sql blocks of the README."""
    return re.findall(r"```sql\n(.*?)```", README, flags=re.S)


def test_table_reference_matches_the_schemas():
    assert table_reference() in README, "run: python -m warehouse.docs and paste into README"


def test_readme_has_sql_examples():
    assert len(readme_sql_examples()) >= 4
