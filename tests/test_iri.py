"""IRI minting follows the slug rules of DESIGN.md."""

import pytest

from graph.iri import mint_iri, normalise_quote, slugify

BASE = "https://kg.example.org/id/"


@pytest.mark.parametrize(
    ("args", "kwargs", "path"),
    [
        (("person", "Mitch Landrieu"), {}, "person/mitch-landrieu"),
        (
            ("organization", "U.S. Department of Justice"),
            {},
            "organization/us-department-of-justice",
        ),
        (("jurisdiction", "California"), {}, "jurisdiction/california"),
        (("jurisdiction", "Cook County"), {"state": "IL"}, "jurisdiction/cook-county-il"),
        (("post", "Mayor", "New Orleans LA"), {}, "post/mayor-of-new-orleans-la"),
        (
            ("post", "Attorney General", "the United States"),
            {},
            "post/attorney-general-of-the-united-states",
        ),
        (("statute", "usc", "8", "1373"), {}, "statute/usc/8/1373"),
        (("letter", "2018-01-24", "DOJ", "Chicago IL"), {}, "letter/2018-01-24/doj-to-chicago-il"),
        (
            ("event", "2018-01-24", "boycott White House meeting"),
            {},
            "event/2018-01-24/boycott-white-house-meeting",
        ),
        (
            ("article", "2018-01-24-washington-times-mayors-boycott"),
            {},
            "article/2018-01-24-washington-times-mayors-boycott",
        ),
    ],
)
def test_mint_iri_follows_the_slug_rules(
    args: tuple[str, ...], kwargs: dict[str, str], path: str
) -> None:
    assert str(mint_iri(*args, **kwargs)) == BASE + path


def test_slugify_drops_accents_apostrophes_and_section_signs() -> None:
    assert slugify("São Paulo's § 5") == "sao-paulos-5"
    assert slugify("O’Brien") == "obrien"


def test_statements_with_the_same_words_share_an_iri() -> None:
    a = mint_iri("statement", "It doesn’t make us safer.")
    b = mint_iri("statement", "it doesn't make us safer")
    assert a == b
    assert a != mint_iri("statement", "It makes us safer.")
    assert normalise_quote("“Enough — is enough!”") == "enough is enough"


def test_unknown_kind_and_empty_names_are_refused() -> None:
    with pytest.raises(ValueError, match="unknown IRI kind"):
        mint_iri("planet", "Mars")
    with pytest.raises(ValueError, match="nothing to make a slug"):
        slugify("§§ …")


def test_other_base() -> None:
    assert (
        str(mint_iri("person", "Jane Roe", base="http://x.test/"))
        == "http://x.test/id/person/jane-roe"
    )
