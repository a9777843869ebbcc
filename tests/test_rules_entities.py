"""Entity rules (places, bodies, persons, posts) on the smallest article that needs each, and
on a near miss. Invented people and bodies in real states; see tests/test_rules.py."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from rdflib import Graph, Literal
from test_rules import ID, article, extract, tenures, union

from graph.build import load_turtle
from graph.namespaces import CIV, DEFAULT_BASE, NIF
from graph.settings import PROJECT_ROOT

GEOGRAPHY = "curated/us-geography.ttl"


def denoted(graphs: dict[str, Graph]) -> set[str]:
    """The path of everything a mention in the articles denotes."""
    return {str(o).removeprefix(ID) for o in union(graphs).objects(None, CIV.denotes)}


def persons(graphs: dict[str, Graph]) -> set[str]:
    return {p for p in denoted(graphs) if p.startswith("person/")}


def bodies(graphs: dict[str, Graph]) -> set[str]:
    return {p for p in denoted(graphs) if p.startswith("organization/")}


def places(graphs: dict[str, Graph]) -> set[str]:
    return {p for p in denoted(graphs) if p.startswith("jurisdiction/")}


def places_named(graphs: dict[str, Graph], words: str) -> list[str]:
    """What each mention with these words denotes, in no order."""
    graph = union(graphs)
    return sorted(
        str(graph.value(m, CIV.denotes)).removeprefix(ID)
        for m in graph.subjects(NIF.anchorOf, Literal(words))
    )


def parties(graphs: dict[str, Graph]) -> set[tuple[str, str]]:
    return {
        (str(s).removeprefix(ID), str(o).removeprefix(ID))
        for s, o in union(graphs).subject_objects(CIV.partyAffiliation)
    }


# (text, curated file or "", what must hold)
CASES: dict[str, tuple[str, str, Callable[[dict[str, Graph]], None]]] = {
    "a-datelines-city-is-a-place-and-its-credit-no-body": (
        "Counties warned\n\nDES MOINES, Iowa (QNW) — Orlen Vasquez-Tam said on Monday that the counties must answer.\n",
        GEOGRAPHY,
        lambda g: (
            assert_that({"jurisdiction/des-moines-ia", "jurisdiction/iowa"} <= places(g), places(g)),
            assert_that(not bodies(g), bodies(g)),
        ),
    ),
    "a-datelines-city-is-a-place, near miss: capitals alone on one line": (
        "Counties warned\n\nQUILLBY\n\nOrlen Vasquez-Tam said on Monday that the counties must answer.\n",
        GEOGRAPHY,
        lambda g: assert_that(not any("quillby" in p for p in places(g)), places(g)),
    ),
    "a-roundups-datelines-are-places-of-its-state": (
        "Briefs\n\nASHMONT\nCounty acts\n\nThe county met in Fresno, Calif., on Monday.\n\nQUILLBY\nCouncil acts\n\nThe council met on Tuesday.\n",
        GEOGRAPHY,
        lambda g: assert_that(
            {"jurisdiction/ashmont-ca", "jurisdiction/quillby-ca"} <= places(g), places(g)
        ),
    ),
    "a-county-before-a-title-is-the-office-holders": (
        "Sheriffs skip dinner\n\nThe event was held in Fresno, Calif. Ashmont County Sheriff Orlen Vasquez-Tam did not attend.\n",
        GEOGRAPHY,
        lambda g: assert_that(
            tenures(g) == {"tenure/orlen-vasquez-tam/sheriff-of-ashmont-county-ca"}, tenures(g)
        ),
    ),
    "a-county-before-a-title, near miss: the next person's title in a list": (
        "Sheriffs skip dinner\n\nThe event was held in Fresno, Calif. Ashmont County Sheriff Orlen Vasquez-Tam, Quillby County Sheriff Tamsin Okoro and others did not attend.\n",
        GEOGRAPHY,
        lambda g: assert_that(
            tenures(g)
            == {
                "tenure/orlen-vasquez-tam/sheriff-of-ashmont-county-ca",
                "tenure/tamsin-okoro/sheriff-of-quillby-county-ca",
            },
            tenures(g),
        ),
    ),
    "a-governor-is-of-the-state-the-storys-cities-lie-in": (
        "Bill signed\n\nHOUSTON — Gov. Orlen Vasquez-Tam signed the bill on Friday.\n",
        GEOGRAPHY + " curated/us-places.ttl",
        lambda g: assert_that(
            tenures(g) == {"tenure/orlen-vasquez-tam/governor-of-texas"}, tenures(g)
        ),
    ),
    "a-governor-is-of-the-state, near miss: no place named": (
        "Bill signed\n\nGov. Orlen Vasquez-Tam signed the bill on Friday.\n",
        GEOGRAPHY + " curated/us-places.ttl",
        lambda g: assert_that(tenures(g) == set(), tenures(g)),
    ),
    "an-attorney-general-in-a-state-story-is-the-states": (
        "Firms warned\n\nFRESNO, Calif. — Attorney General Orlen Vasquez-Tam sent letters on Monday to firms in Quillby, Calif.\n",
        GEOGRAPHY,
        lambda g: assert_that(
            tenures(g) == {"tenure/orlen-vasquez-tam/attorney-general-of-california"}, tenures(g)
        ),
    ),
    "an-attorney-general-in-a-state-story, near miss: the Justice Department named before": (
        "Cities warned\n\nThe U.S. Department of Justice warned Quillby, Calif., on Monday. Attorney General Orlen Vasquez-Tam said the city must answer.\n",
        GEOGRAPHY,
        lambda g: assert_that(
            tenures(g) == {"tenure/orlen-vasquez-tam/attorney-general-of-the-united-states"},
            tenures(g),
        ),
    ),
    "rep-of-a-state-is-a-member-of-congress": (
        "Letter sent\n\nRep. Orlen Vasquez-Tam of Texas wrote to the agency on Monday.\n",
        GEOGRAPHY,
        lambda g: assert_that(
            tenures(g) == {"tenure/orlen-vasquez-tam/representative-of-the-united-states"},
            tenures(g),
        ),
    ),
    "rep-of-a-state, near miss: a mayor of a city": (
        "Letter sent\n\nMayor Orlen Vasquez-Tam of Quillby, Calif., wrote to the agency on Monday.\n",
        GEOGRAPHY,
        lambda g: assert_that(
            tenures(g) == {"tenure/orlen-vasquez-tam/mayor-of-quillby-ca"}, tenures(g)
        ),
    ),
    "an-abbreviation-of-a-body-named-in-full-is-that-body": (
        "Building checked\n\nThe Quillby Water Authority inspected the dam on Monday. A QWA engineer said it was safe.\n",
        "",
        lambda g: assert_that(bodies(g) == {"organization/quillby-water-authority"}, bodies(g)),
    ),
    "an-abbreviation, near miss: other initials": (
        "Building checked\n\nThe Quillby Water Authority inspected the dam on Monday. A QXZ engineer said it was safe.\n",
        "",
        lambda g: assert_that("organization/quillby-water-authority" in bodies(g) and not any(
            "qwa" in b for b in bodies(g)), bodies(g)),
    ),
    "federal-bodies-by-their-short-names": (
        "Inquiry opened\n\nThe FBI and Congress opened inquiries into Ashmont Data on Monday.\n",
        "",
        lambda g: assert_that(
            {"organization/federal-bureau-of-investigation", "organization/united-states-congress"}
            <= bodies(g),
            bodies(g),
        ),
    ),
    "federal-bodies-by-their-short-names, near miss: initials of no federal body": (
        "Inquiry opened\n\nThe QZX opened an inquiry into Ashmont Data on Monday.\n",
        "",
        lambda g: assert_that(
            not any("federal" in b or "congress" in b for b in bodies(g)), bodies(g)
        ),
    ),
    "a-city-written-with-its-state-is-that-place-alone-too": (
        "Cities warned\n\nIn letters sent Friday to the cities of Ashmont, Oakhaven and Ironwood, the Republican governor said the rules conflict with a state law. Ironwood, Ariz., adopted its rule last year.\n",
        GEOGRAPHY,
        lambda g: assert_that(places_named(g, "Ironwood") == ["jurisdiction/ironwood-az"] * 2, g),
    ),
    "a-city-written-with-its-state, near miss: inside a body's name": (
        "Cities warned\n\nQuillby, Ariz., adopted its rule last year. The Quillby Water Authority did not comment.\n",
        GEOGRAPHY,
        lambda g: assert_that(
            "organization/quillby-water-authority" in bodies(g), bodies(g)
        ),
    ),
    "a-name-before-a-state-is-a-city-not-a-person": (
        "Cities warned\n\nThe governor wrote to Oakhaven, Ore., and Tamsin Falls, Ore., last week.\n",
        GEOGRAPHY,
        lambda g: assert_that(
            "jurisdiction/tamsin-falls-or" in places(g) and not persons(g), (places(g), persons(g))
        ),
    ),
    "a-name-before-a-state, near miss: a person before an appositive": (
        "Cities warned\n\n“We will answer,” said Tamsin Fallow, a spokeswoman for the city.\n",
        GEOGRAPHY,
        lambda g: assert_that(persons(g) == {"person/tamsin-fallow"}, persons(g)),
    ),
    "a-title-case-headlines-verb-is-no-part-of-a-name": (
        "Attorney General Vasquez-Tam Demands Records From Three Pharmacy Firms\n\nAttorney General Orlen Vasquez-Tam on Monday sent letters to three firms.\n",
        "",
        lambda g: assert_that(
            persons(g) == {"person/orlen-vasquez-tam"} and not bodies(g), (persons(g), bodies(g))
        ),
    ),
    "a-title-case-headline, near miss: a name in the body": (
        "Records sought\n\nAttorney General Orlen Vasquez-Tam Demands records, the paper said.\n",
        "",
        lambda g: assert_that(any("vasquez-tam" in p for p in persons(g)), persons(g)),
    ),
    "inc-after-a-comma-is-the-companys-name": (
        "Records sought\n\nThe letters went to:\n\nAshmont Health Services, Inc.\nQuillby Data Partners\n\nThey have 30 days.\n",
        "",
        lambda g: assert_that(
            "organization/ashmont-health-services-inc" in bodies(g), bodies(g)
        ),
    ),
    "inc-after-a-comma, near miss: no suffix": (
        "Firms warned\n\nAshmont Health Services, a broker, did not answer.\n",
        "",
        lambda g: assert_that(bodies(g) == {"organization/ashmont-health-services"}, bodies(g)),
    ),
    "office-of-the-x-of-y-is-one-name": (
        "Inquiry weighed\n\nThe Office of the Inspector General of Quillby has not said whether it would open an investigation.\n",
        "",
        lambda g: assert_that(
            "organization/office-of-the-inspector-general-of-quillby" in bodies(g), bodies(g)
        ),
    ),
    "office-of-the-x-of-y, near miss: an office of no place": (
        "Inquiry weighed\n\nThe Office of the Inspector General has not said whether it would open an investigation.\n",
        "",
        lambda g: assert_that(
            not any(b.endswith("-of-quillby") for b in bodies(g)), bodies(g)
        ),
    ),
    "a-contact-block-names-nobody": (
        "Firms warned\n\nContact:\nOrlen Vasquez-Tam, spokesman for the attorney general\n(303) 555-0100\n\nAttorney General Tamsin Okoro sent letters on Monday.\n",
        "",
        lambda g: assert_that(persons(g) == {"person/tamsin-okoro"}, persons(g)),
    ),
    "a-contact-block, near miss: a director quoted in the story": (
        "Firms warned\n\nOrlen Vasquez-Tam, communications director for the office, said letters went out on Monday.\n",
        "",
        lambda g: assert_that("person/orlen-vasquez-tam" in persons(g), persons(g)),
    ),
    "a-name-coordinated-with-a-state-is-the-state": (
        "Cities told to report\n\nThe agency wrote to four cities in Washington and Oregon on Monday.\n",
        GEOGRAPHY,
        lambda g: assert_that(
            places_named(g, "Washington") == ["jurisdiction/washington"], places_named(g, "Washington")
        ),
    ),
    "a-name-coordinated-with-a-state, near miss: the capital beside a city": (
        "Cities told to report\n\nOfficials in Washington and Baltimore said on Monday that the letters went out.\n",
        GEOGRAPHY,
        lambda g: assert_that(
            places_named(g, "Washington") == ["jurisdiction/washington-dc"], places_named(g, "Washington")
        ),
    ),
    "a-name-ending-as-a-papers-does-is-a-news-outlet": (
        "Files opened\n\nA judge gave the files to the Quillby Sentinel on Monday, according to The Ashmont Observer.\n",
        GEOGRAPHY,
        lambda g: assert_that(
            {"organization/quillby-sentinel", "organization/the-ashmont-observer"} <= bodies(g)
            and not places(g),
            (bodies(g), places(g)),
        ),
    ),
    "a-name-ending-as-a-papers-does, near miss: a falls before a state": (
        "Files opened\n\nA judge gave the files to Quillby Falls, Ore., on Monday.\n",
        GEOGRAPHY,
        lambda g: assert_that(not bodies(g), bodies(g)),
    ),
    "a-call-sign-a-source-speaks-to-is-a-station": (
        "Letter sent\n\nThe letter is unfair, Orlen Vasquez-Tam told KQBX in an interview.\n",
        "",
        lambda g: assert_that(bodies(g) == {"organization/kqbx"}, bodies(g)),
    ),
    "a-call-sign-a-source-speaks-to, near miss: a form's letters": (
        "Letter sent\n\nOrlen Vasquez-Tam signed form KQBX on Friday.\n",
        "",
        lambda g: assert_that(not bodies(g), bodies(g)),
    ),
    "a-federal-courts-full-name-is-one-body-and-its-judge-no-countrys": (
        "Grants restored\n\nU.S. District Judge Orlen Vasquez-Tam of the U.S. District Court for the Western District of Ohio ruled on Monday. Quillby sued in the U.S. District Court for the Northern District of Ohio in Ashmont.\n",
        GEOGRAPHY,
        lambda g: (
            assert_that(
                bodies(g) == {"organization/us-district-court-for-the-western-district-of-ohio", "organization/us-district-court-for-the-northern-district-of-ohio"},
                bodies(g),
            ),
            assert_that("jurisdiction/united-states" not in places(g), places(g)),
            assert_that(
                tenures(g)
                == {"tenure/orlen-vasquez-tam/judge-of-the-us-district-court-for-the-western-district-of-ohio"},
                tenures(g),
            ),
        ),
    ),
    "a-federal-courts-full-name, near miss: a senator of the country": (
        "Grants restored\n\nU.S. Senator Orlen Vasquez-Tam wrote to the court in Ohio on Monday.\n",
        GEOGRAPHY,
        lambda g: assert_that("jurisdiction/united-states" in places(g), places(g)),
    ),
    "a-building-is-neither-a-body-nor-a-place": (
        "Records sought\n\nOrlen Vasquez-Tam spoke at the Ashmont Civic Building and outside the county's Records Center on Monday.\n",
        GEOGRAPHY,
        lambda g: assert_that(not bodies(g) and not places(g), (bodies(g), places(g))),
    ),
    "a-building-is-neither, near miss: a centre that speaks": (
        "Records sought\n\nThe Quillby Records Center said on Monday that it would appeal.\n",
        GEOGRAPHY,
        lambda g: assert_that(bodies(g) == {"organization/quillby-records-center"}, bodies(g)),
    ),
    "a-sentences-first-word-is-no-part-of-a-name": (
        "Letter answered\n\nOn Tuesday, a spokesman for the county, Orlen Vasquez-Tam, said the rule would stay.\n",
        GEOGRAPHY,
        lambda g: assert_that(persons(g) == {"person/orlen-vasquez-tam"}, persons(g)),
    ),
    "a-sentences-first-word, near miss: a first name": (
        "Letter answered\n\nOrlen Vasquez-Tam, a spokesman for the county, said on Tuesday that the rule would stay.\n",
        GEOGRAPHY,
        lambda g: assert_that(persons(g) == {"person/orlen-vasquez-tam"}, persons(g)),
    ),
    "a-name-before-a-title-is-the-place-whose-office-it-is": (
        "Budget passed\n\nToll plans were shown in Salem, Ore. Eugene Mayor Orlen Brandt and Quillby Mayor Tamsin Okoro-Lind attended.\n",
        GEOGRAPHY,
        lambda g: (
            assert_that(persons(g) == {"person/orlen-brandt", "person/tamsin-okoro-lind"}, persons(g)),
            assert_that("jurisdiction/eugene-or" in places(g), places(g)),
        ),
    ),
    "a-name-before-a-title, near miss: a person named with the title first": (
        "Budget passed\n\nToll plans were shown in Salem, Ore. Mayor Orlen Brandt attended.\n",
        GEOGRAPHY,
        lambda g: assert_that(persons(g) == {"person/orlen-brandt"}, persons(g)),
    ),
    "a-name-before-a-corporate-title-is-the-companys-everywhere": (
        "Records sought\n\nThe senator wrote to Ashmont Wingline chief executive Orlen Vasquez-Tam on Monday. Ashmont Wingline has two weeks, he said.\n",
        "",
        lambda g: (
            assert_that(persons(g) == {"person/orlen-vasquez-tam"}, persons(g)),
            assert_that(bodies(g) == {"organization/ashmont-wingline"}, bodies(g)),
        ),
    ),
    "a-name-before-a-corporate-title, near miss: a title after a comma": (
        "Records sought\n\nThe senator wrote to Tamsin Okoro, chief executive of the airline, on Monday.\n",
        "",
        lambda g: assert_that(persons(g) == {"person/tamsin-okoro"}, persons(g)),
    ),
    "a-place-before-a-title-is-that-place-where-the-model-saw-a-person": (
        "Mayors stay away\n\nThe mayors of Salem and Coeur Falls stayed away. Coeur Falls Mayor Orlen Brandt said no. Coeur Falls residents paid more, she said.\n",
        GEOGRAPHY,
        lambda g: assert_that(persons(g) == {"person/orlen-brandt"}, persons(g)),
    ),
    "a-place-before-a-title, near miss: a person of that name as well": (
        "Mayors stay away\n\nCoeur Falls Mayor Orlen Brandt and Salem Mayor Tamsin Okoro said no.\n",
        GEOGRAPHY,
        lambda g: assert_that(persons(g) == {"person/orlen-brandt", "person/tamsin-okoro"}, persons(g)),
    ),
    "a-title-case-headlines-run-of-capitals-the-body-never-names-is-no-person": (
        "Mayor Quillby-Brandt Rebuffs Governor’s Demand to Return Park Funds From Ashmont\n\nMayor Orlen A. Quillby-Brandt said on Friday that Ashmont would keep the money.\n",
        GEOGRAPHY,
        lambda g: assert_that(persons(g) == {"person/orlen-a-quillby-brandt"}, persons(g)),
    ),
    "a-title-case-headlines-run, near miss: a surname the body names": (
        "Okoro Quits Ashmont Council Over Budget Vote\n\nCouncil member Tamsin Okoro quit on Friday, she said.\n",
        GEOGRAPHY,
        lambda g: assert_that(persons(g) == {"person/tamsin-okoro"}, persons(g)),
    ),
    "a-photos-caption-names-nobody": (
        "Sheriff pushes back\n\nSheriff Orlen Brandt said no on Monday.\n\nOrlen Brandt, right, with Deputy Chief Marta Okafor at the podium. (Photo: Ivo Quillby / Ashmont Ledger)\n",
        GEOGRAPHY,
        lambda g: assert_that(persons(g) == {"person/orlen-brandt"}, persons(g)),
    ),
    "a-photos-caption, near miss: a photo in the story": (
        "Sheriff pushes back\n\nSheriff Orlen Vasquez-Tam said no on Monday, and Tamsin Okoro, his deputy, handed out the pictures (photos by deputies).\n",
        GEOGRAPHY,
        lambda g: assert_that("person/tamsin-okoro" in persons(g), persons(g)),
    ),
    "a-word-of-a-programme-inside-a-hyphenated-surname-is-the-persons": (
        "Patrols go on\n\nIn Quillby, Police Chief Orlen Vasquez-Grant said the patrols would go on.\n",
        GEOGRAPHY,
        lambda g: assert_that(persons(g) == {"person/orlen-vasquez-grant"}, persons(g)),
    ),
    "a-word-of-a-programme-inside-a-surname, near miss: the programme itself": (
        "Patrols go on\n\nThe Orlen Vasquez Grant paid for the patrols, the chief said.\n",
        GEOGRAPHY,
        lambda g: assert_that(not persons(g), persons(g)),
    ),
    "a-county-executive-with-a-nickname-holds-the-post": (
        "Plants checked\n\nAshmont County Executive Orlen “Dusty” Vasquez-Tam said on Monday that the plants were safe.\n",
        GEOGRAPHY,
        lambda g: assert_that(
            tenures(g) == {"tenure/orlen-vasquez-tam/county-executive-of-ashmont-county"}, tenures(g)
        ),
    ),
    "a-county-executive-with-a-nickname, near miss: a quoted word after a name": (
        "Plants checked\n\nAshmont County Executive Orlen Vasquez-Tam called the request “a waste of paper” on Monday.\n",
        GEOGRAPHY,
        lambda g: assert_that(
            tenures(g) == {"tenure/orlen-vasquez-tam/county-executive-of-ashmont-county"}, tenures(g)
        ),
    ),
    "a-department-of-two-fields-is-one-body": (
        "County sues\n\nAshmont County sued the U.S. Department of Health and Human Services on Wednesday. An HHS spokesman declined to comment.\n",
        GEOGRAPHY,
        lambda g: assert_that(
            bodies(g) == {"organization/us-department-of-health-and-human-services"}, bodies(g)
        ),
    ),
    "a-department-of-two-fields, near miss: two companies": (
        "Firms warned\n\nThe letters went to Sunward Energy and Lakeline Solar on Monday.\n",
        "",
        lambda g: assert_that(
            bodies(g) == {"organization/sunward-energy", "organization/lakeline-solar"}, bodies(g)
        ),
    ),
    "a-federal-body-named-in-full-as-the-vocabulary-has-it": (
        "Letters sent\n\nThe letter went to U.S. Customs and Border Protection and the FBI.\n",
        "",
        lambda g: assert_that(
            "organization/us-customs-and-border-protection" in bodies(g), bodies(g)
        ),
    ),
    "a-federal-body-named-in-full, near miss: a name of no federal body": (
        "Letters sent\n\nThe letter went to Quillby Customs and the FBI.\n",
        "",
        lambda g: assert_that(
            "organization/us-customs-and-border-protection" not in bodies(g), bodies(g)
        ),
    ),
    "the-x-department-is-the-department-of-x-the-story-names": (
        "Grants ordered\n\nThe judge ordered the U.S. Department of Transportation to pay. The Transportation Department said it would appeal.\n",
        "",
        lambda g: assert_that(bodies(g) == {"organization/us-department-of-transportation"}, bodies(g)),
    ),
    "the-x-department, near miss: no department of x named": (
        "Grants ordered\n\nThe judge ordered the U.S. Department of Labor to pay. The Transportation Department said it would appeal.\n",
        "",
        lambda g: assert_that(
            "organization/us-department-of-labor" in bodies(g)
            and "organization/us-department-of-transportation" not in bodies(g),
            bodies(g),
        ),
    ),
    "the-x-department, its mention is the words written": (
        "Grants ordered\n\nThe judge ordered the U.S. Department of Transportation to pay. A Transportation Department spokesman said it would appeal.\n",
        "",
        lambda g: assert_that(
            places_named(g, "Transportation Department") == ["organization/us-department-of-transportation"],
            places_named(g, "Transportation Department"),
        ),
    ),
    "a-datelines-state-beats-a-curated-namesake-in-another": (
        "Bridge closed\n\nCOLUMBUS, Ga. — Mayor Tamsin Okoro said on Monday that Columbus would close the bridge.\n",
        GEOGRAPHY + " curated/us-places.ttl",
        lambda g: assert_that(
            places_named(g, "COLUMBUS") + places_named(g, "Columbus") == ["jurisdiction/columbus-ga"] * 2,
            places_named(g, "COLUMBUS") + places_named(g, "Columbus"),
        ),
    ),
    "a-datelines-state-beats-a-namesake, near miss: no state given": (
        "Bridge closed\n\nCOLUMBUS — Mayor Tamsin Okoro said on Monday that Columbus would close the bridge.\n",
        GEOGRAPHY + " curated/us-places.ttl",
        lambda g: assert_that(
            set(places_named(g, "Columbus")) == {"jurisdiction/columbus-oh"}, places_named(g, "Columbus")
        ),
    ),
    "a-city-with-its-state-beats-a-curated-namesake-in-another": (
        "Bridge closed\n\nThe council of Columbus, Ga., voted on Monday. The mayor said Columbus will close the bridge.\n",
        GEOGRAPHY + " curated/us-places.ttl",
        lambda g: assert_that(
            places_named(g, "Columbus") == ["jurisdiction/columbus-ga"] * 2, places_named(g, "Columbus")
        ),
    ),
    "a-city-and-its-state-abbreviated-before-the-next-sentence": (
        "Letters sent\n\nThe letters went to Quillby, Wash.; Orlenton, Wash.; and the city of Ashmont, Ore. They were made public Monday.\n",
        GEOGRAPHY,
        lambda g: assert_that(places_named(g, "Ashmont") == ["jurisdiction/ashmont-or"], places_named(g, "Ashmont")),
    ),
    "a-city-with-its-state-is-that-place-after-an-opening-word": (
        "Letters sent\n\nThe letters went to Quillby, Wash., Orlenton, Wash., and the city of Ashmont, Ore., on Monday. In Ashmont, Mayor Tamsin Okoro posted a copy.\n",
        GEOGRAPHY,
        lambda g: assert_that(
            places_named(g, "Ashmont") == ["jurisdiction/ashmont-or"] * 2, places_named(g, "Ashmont")
        ),
    ),
    "a-city-with-its-state-after-an-opening-word, near miss: another place's first word": (
        "Letters sent\n\nThe letters went to Quillby, Wash., Orlenton, Wash., and the city of Ashmont, Ore., on Monday. Port Ashmont answered.\n",
        GEOGRAPHY,
        lambda g: assert_that(places_named(g, "Ashmont") == ["jurisdiction/ashmont-or"], places_named(g, "Ashmont")),
    ),
    "a-datelines-state-beats-a-curated-namesake, every mention": (
        "Bridge closed\n\nCOLUMBUS, Ga. — The bridge closed on Monday. The Columbus ordinance took effect at Columbus City Hall.\n",
        GEOGRAPHY + " curated/us-places.ttl",
        lambda g: assert_that(
            places_named(g, "Columbus") == ["jurisdiction/columbus-ga"] * 2, places_named(g, "Columbus")
        ),
    ),
    # -- organisations named beside letters: brands, bodies introduced by what they are -------
    "a-camel-case-brand-is-a-body-not-a-place": (
        "Sites warned\n\nIn letters sent Friday, Orlen Vasquez-Tam told platforms such as QuillRent, LakeOrlen and Ashmont Apartment Finder to take down the ads.\n",
        GEOGRAPHY,
        lambda g: (
            assert_that({"organization/quillrent", "organization/lakeorlen"} <= bodies(g), bodies(g)),
            assert_that(not any("quillrent" in p or "lakeorlen" in p for p in places(g)), places(g)),
        ),
    ),
    "a-camel-case-brand-is-a-body, near miss: a place with a short prefix": (
        "Sites warned\n\nOrlen Vasquez-Tam sent letters to McAllen, Texas, on Friday.\n",
        GEOGRAPHY,
        lambda g: assert_that("jurisdiction/mcallen-tx" in places(g), places(g)),
    ),
    "a-brands-short-name-is-the-company-named-in-full": (
        "Firm pressed\n\nThe letter is addressed to QuillLedger Inc. chief executive Orlen Vasquez-Tam. QuillLedger said in a statement that it has always cooperated.\n",
        GEOGRAPHY,
        lambda g: assert_that(bodies(g) == {"organization/quillledger-inc"}, bodies(g)),
    ),
    "a-brands-short-name-is-the-company-named-in-full, near miss: named in full later": (
        "Lenders pressed\n\nOrlen Vasquez-Tam wrote to four lenders, among them CoinQuill Finance. When CoinQuill ignored the deadline, the office sued.\n",
        GEOGRAPHY,
        lambda g: assert_that(bodies(g) == {"organization/coinquill-finance"}, bodies(g)),
    ),
    "a-nonprofit-named-after-what-it-is-is-a-body": (
        "Advocates praise move\n\n“This is a first,” said Orlen Vasquez-Tam, director of the Fresno nonprofit Quillby Data Watch.\n",
        GEOGRAPHY,
        lambda g: assert_that("organization/quillby-data-watch" in bodies(g), bodies(g)),
    ),
    "a-nonprofit-named-after-what-it-is, near miss: a nonprofit not named": (
        "Advocates praise move\n\n“This is a first,” said Orlen Vasquez-Tam, director of an Fresno nonprofit.\n",
        GEOGRAPHY,
        lambda g: assert_that(not bodies(g), bodies(g)),
    ),
    "a-law-school-is-a-body": (
        "Letters\n\nLetters rarely end in court, said Orlen Vasquez-Tam, who teaches consumer law at Quillby Law School.\n",
        GEOGRAPHY,
        lambda g: assert_that("organization/quillby-law-school" in bodies(g), bodies(g)),
    ),
    "a-law-school-is-a-body, near miss: law taught in a place": (
        "Letters\n\nLetters rarely end in court, said Orlen Vasquez-Tam, who teaches consumer law in Fresno.\n",
        GEOGRAPHY,
        lambda g: assert_that(not bodies(g), bodies(g)),
    ),
    "a-national-guard-is-a-body": (
        "Summit\n\nGov. Orlen Vasquez-Tam said Oregon would send 50 members of the Oregon National Guard to the border.\n",
        GEOGRAPHY,
        lambda g: assert_that("organization/oregon-national-guard" in bodies(g), bodies(g)),
    ),
    "a-national-guard-is-a-body, near miss: guards": (
        "Summit\n\nGov. Orlen Vasquez-Tam said Oregon would send 50 guards to the border.\n",
        GEOGRAPHY,
        lambda g: assert_that(not bodies(g), bodies(g)),
    ),
    "a-county-board-is-a-body": (
        "Briefs\n\nThe county could lose its grants unless it fills the post by Oct. 1. Tulare County Board Chair Orlen Vasquez-Tam posted a copy of the letter on Tuesday.\n",
        GEOGRAPHY,
        lambda g: assert_that("organization/tulare-county-board" in bodies(g), bodies(g)),
    ),
    "a-county-board-is-a-body, near miss: the county's sheriff": (
        "Briefs\n\nThe county could lose its grants unless it fills the post by Oct. 1. Tulare County Sheriff Orlen Vasquez-Tam posted a copy of the letter on Tuesday.\n",
        GEOGRAPHY,
        lambda g: assert_that(not any("board" in b for b in bodies(g)), bodies(g)),
    ),
    "a-universitys-campus-after-a-dash-is-its-name": (
        "Analysis\n\n“Courts decide,” said Orlen Vasquez-Tam, who studies state law at the University of Ashmont–Quillby City.\n",
        GEOGRAPHY,
        lambda g: assert_that("organization/university-of-ashmontquillby-city" in bodies(g), bodies(g)),
    ),
    "a-universitys-campus-after-a-dash, near miss: a place after 'in'": (
        "Analysis\n\n“Courts decide,” said Orlen Vasquez-Tam, who studies state law at the University of Ashmont in Fresno.\n",
        GEOGRAPHY,
        lambda g: assert_that("organization/university-of-ashmont" in bodies(g), bodies(g)),
    ),
    "a-party-mark-after-jr": (
        "Letter\n\nThe letter is signed by Sen. Orlen Vasquez-Tam Jr. (R-Ore.).\n",
        GEOGRAPHY + " curated/2018-01-24-doj-demands-papers-mayors-boycott.ttl",
        lambda g: assert_that(("person/orlen-vasquez-tam-jr", "organization/republican-party") in parties(g), parties(g)),
    ),
    "a-party-mark-after-jr, near miss: a state alone": (
        "Letter\n\nThe letter is signed by Sen. Orlen Vasquez-Tam Jr. (Ore.).\n",
        GEOGRAPHY + " curated/2018-01-24-doj-demands-papers-mayors-boycott.ttl",
        lambda g: assert_that(not parties(g), parties(g)),
    ),
    "a-party-and-a-three-word-city": (
        "Letter\n\nState Rep. Orlen Vasquez-Tam, D-Port Quillby Heights, called the letters a threat.\n",
        GEOGRAPHY + " curated/2018-01-24-doj-demands-papers-mayors-boycott.ttl",
        lambda g: assert_that(("person/orlen-vasquez-tam", "organization/democratic-party") in parties(g), parties(g)),
    ),
    "a-party-and-a-three-word-city, near miss: no party": (
        "Letter\n\nState Rep. Orlen Vasquez-Tam, of Port Quillby Heights, called the letters a threat.\n",
        GEOGRAPHY + " curated/2018-01-24-doj-demands-papers-mayors-boycott.ttl",
        lambda g: assert_that(not parties(g), parties(g)),
    ),
    "a-places-name-linked-once-is-that-place-everywhere": (
        "Governor warns\n\nFRESNO, Calif. (KQBY) — Gov. Orlen Vasquez-Tam says Fresno, Doña Quill County and the village of Ashmont Park could lose millions in state money.\n\nDoña Quill County Sheriff Tamsin Brennock says his department is in the same spot.\n",
        GEOGRAPHY,
        lambda g: assert_that(
            places_named(g, "Doña Quill County") == ["jurisdiction/dona-quill-county-ca"] * 2,
            places_named(g, "Doña Quill County"),
        ),
    ),
    "a-places-name-linked-once-is-that-place-everywhere, near miss: linked nowhere": (
        "Governor warns\n\nFRESNO, Calif. (KQBY) — Gov. Orlen Vasquez-Tam says Fresno, Doña Quill County and the village of Ashmont Park could lose millions in state money.\n",
        GEOGRAPHY,
        lambda g: assert_that("jurisdiction/dona-quill-county-ca" not in places(g), places(g)),
    ),
}  # fmt: skip


def assert_that(condition: bool, shown: object) -> None:
    assert condition, shown


@pytest.mark.parametrize("rule", sorted(CASES))
def test_entity_rule(rule: str) -> None:
    text, curated_file, holds = CASES[rule]
    curated = None
    for name in curated_file.split():
        curated = curated or Graph()
        curated += load_turtle(PROJECT_ROOT / "graph" / name, DEFAULT_BASE)
    holds(extract(article("a", text), curated=curated))
