"""Rules for letters and events, each on the smallest fictional article that needs it and on a
near miss (same style as `tests/test_rules.py`, whose helpers it uses). Every name is invented;
places are real and come from the curated geography where a row names it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from rdflib import RDF, Graph, URIRef
from test_rules import ID, article, events_of, extract, letters_of

from graph.build import load_turtle
from graph.corpus import Article
from graph.extraction.dates import resolve_dates
from graph.namespaces import CIV, DEFAULT_BASE
from graph.settings import PROJECT_ROOT

GEO = "curated/us-geography.ttl"


@dataclass(frozen=True)
class Case:
    articles: tuple[Article, ...]
    holds: Callable[[dict[str, Graph]], None]
    curated: str = ""


def kinds(graphs: dict[str, Graph]) -> dict[str, set[frozenset[tuple[str, str]]]]:
    """Each kind of event: the participant sets of its events."""
    out: dict[str, set[frozenset[tuple[str, str]]]] = {}
    for kind, roles in events_of(graphs["a"]).values():
        out.setdefault(kind, set()).add(frozenset(roles))
    return out


def recipients(graphs: dict[str, Graph]) -> set[str]:
    return set().union(*(r for _, r in letters_of(graphs["a"]).values()))


def dates_of(graphs: dict[str, Graph], kind: str) -> set[str]:
    graph = graphs["a"]
    return {str(graph.value(e, CIV.onDate)) for e in graph.subjects(RDF.type, CIV[kind])}


def every_event(
    graphs: dict[str, Graph],
) -> set[tuple[str, str | None, frozenset[tuple[str, str]]]]:
    """Every event, dated or not: (kind, date or None, participants in all four roles)."""
    graph = graphs["a"]
    out = set()
    for kind in ("StatementEvent", "Tweet", "PressConference", "Lawsuit", "Demand", "Review"):
        for e in graph.subjects(RDF.type, CIV[kind]):
            if (e, RDF.type, CIV.Letter) in graph:
                continue
            date = graph.value(e, CIV.onDate)
            roles = frozenset(
                (role, str(p).removeprefix(ID))
                for role in ("agent", "target", "attendee", "boycotter")
                for p in graph.objects(e, CIV[role])
            )
            out.add((kind, str(date) if date else None, roles))
    return out


def _has(kind: str, date: str | None, *agents: str) -> Callable[[dict[str, Graph]], None]:
    """A check that an event of the kind, on the date (None: undated), has these agents."""

    def holds(graphs: dict[str, Graph]) -> None:
        found = every_event(graphs)
        assert any(
            k == kind and d == date and {("agent", a) for a in agents} <= roles
            for k, d, roles in found
        ), found

    return holds


def _lacks(kind: str, *agents: str) -> Callable[[dict[str, Graph]], None]:
    """A check that no event of the kind has these agents (any date)."""

    def holds(graphs: dict[str, Graph]) -> None:
        found = every_event(graphs)
        assert not any(
            k == kind and {("agent", a) for a in agents} <= roles for k, _, roles in found
        ), found

    return holds


def _both(*checks: Callable[[dict[str, Graph]], None]) -> Callable[[dict[str, Graph]], None]:
    def holds(graphs: dict[str, Graph]) -> None:
        for check in checks:
            check(graphs)

    return holds


def of_kind(
    graphs: dict[str, Graph], kind: str
) -> list[tuple[str | None, frozenset[tuple[str, str]]]]:
    """Every event of one kind, dated or not: (date or None, participants in all four roles)."""
    graph = graphs["a"]
    out = []
    for e in graph.subjects(RDF.type, CIV[kind]):
        date = graph.value(e, CIV.onDate)
        roles = frozenset(
            (role, str(p).removeprefix(ID))
            for role in ("agent", "target", "attendee", "boycotter")
            for p in graph.objects(e, CIV[role])
        )
        out.append((str(date) if date else None, roles))
    return out


def _only(
    kind: str, date: str | None, *roles: tuple[str, str]
) -> Callable[[dict[str, Graph]], None]:
    """A check that the article has one event of the kind, on the date, with exactly these roles."""

    def holds(graphs: dict[str, Graph]) -> None:
        found = of_kind(graphs, kind)
        assert found == [(date, frozenset(roles))], found

    return holds


def _lawsuit_is(date: str, *roles: tuple[str, str]) -> Callable[[dict[str, Graph]], None]:
    def holds(graphs: dict[str, Graph]) -> None:
        found = of_kind(graphs, "Lawsuit")
        assert (date, frozenset(roles)) in found, found

    return holds


def _count(kind: str, n: int) -> Callable[[dict[str, Graph]], None]:
    def holds(graphs: dict[str, Graph]) -> None:
        found = of_kind(graphs, kind)
        assert len(found) == n, found

    return holds


def _lacks_role(kind: str, role: tuple[str, str]) -> Callable[[dict[str, Graph]], None]:
    def holds(graphs: dict[str, Graph]) -> None:
        found = of_kind(graphs, kind)
        assert found and not any(role in roles for _, roles in found), found

    return holds


def _one_lawsuit(graphs: dict[str, Graph]) -> None:
    suits = [e for e in every_event(graphs) if e[0] == "Lawsuit"]
    assert len(suits) == 1 and suits[0][1] == "2019-12", suits


def _two_lawsuits(graphs: dict[str, Graph]) -> None:
    suits = [e for e in every_event(graphs) if e[0] == "Lawsuit"]
    assert len(suits) == 2, suits


# --- what must come out ------------------------------------------------------------------------


def _dateline_lead_is_an_event(graphs: dict[str, Graph]) -> None:
    threats = kinds(graphs).get("Threat", set())
    assert any(("agent", "person/orlen-vasquez-tam") in roles for roles in threats), threats
    assert not any(("target", "jurisdiction/phoenix-az") in roles for roles in threats), threats


def _threat_told_after_the_round(graphs: dict[str, Graph]) -> None:
    threats = kinds(graphs).get("Threat", set())
    assert {
        ("agent", "person/orlen-vasquez-tam"),
        ("target", "jurisdiction/fresno-county"),
        ("target", "jurisdiction/tulare-county"),
    } in threats, kinds(graphs)


def _someone_elses_threat_is_not_the_rounds(graphs: dict[str, Graph]) -> None:
    threats = kinds(graphs).get("Threat", set())
    assert not any(("agent", "person/orlen-vasquez-tam") in roles for roles in threats), threats


def _recipients_from_the_lead(graphs: dict[str, Graph]) -> None:
    assert recipients(graphs) == {
        "jurisdiction/fresno",
        "jurisdiction/kern-county",
        "jurisdiction/tulare-county",
    }, letters_of(graphs["a"])


def _no_recipients_from_someone_elses_lead(graphs: dict[str, Graph]) -> None:
    assert recipients(graphs) == set(), letters_of(graphs["a"])


def _release_day_and_deadline_are_not_the_rounds(graphs: dict[str, Graph]) -> None:
    graph = graphs["a"]
    dates = {str(graph.value(s, CIV.onDate)) for s in graph.subjects(RDF.type, CIV.Letter)}
    assert dates == {"2020-05-04"}, dates


def _a_new_round_sent_another_day(graphs: dict[str, Graph]) -> None:
    graph = graphs["a"]
    dates = {str(graph.value(s, CIV.onDate)) for s in graph.subjects(RDF.type, CIV.Letter)}
    assert dates == {"2020-05-04", "2020-05-05"}, dates


def _gave_sends_a_letter(graphs: dict[str, Graph]) -> None:
    found = letters_of(graphs["a"])
    assert {sender for sender, _ in found.values()} == {"person/orlen-vasquez-tam"}, found


def _no_letter_without_the_word(graphs: dict[str, Graph]) -> None:
    assert letters_of(graphs["a"]) == {}


def _the_rounds_demand_is_its_senders(graphs: dict[str, Graph]) -> None:
    demands = kinds(graphs).get("Demand", set())
    assert demands == {
        frozenset(
            {
                ("agent", "person/orlen-vasquez-tam"),
                ("target", "organization/quillby-pharmacy-company"),
            }
        )
    }, demands


def _a_demand_in_another_sentence_stays(graphs: dict[str, Graph]) -> None:
    demands = kinds(graphs).get("Demand", set())
    assert any(("agent", "person/tamsin-brennock") in roles for roles in demands), demands


def _a_list_of_states_names_each(graphs: dict[str, Graph]) -> None:
    assert {"jurisdiction/illinois", "jurisdiction/oregon", "jurisdiction/california"} <= (
        recipients(graphs)
    ), letters_of(graphs["a"])


def _a_state_after_its_city_is_no_recipient(graphs: dict[str, Graph]) -> None:
    found = recipients(graphs)
    assert "jurisdiction/springfield-il" in found and "jurisdiction/illinois" not in found, found


def _a_company_suffix_stays_with_its_name(graphs: dict[str, Graph]) -> None:
    found = recipients(graphs)
    assert {"organization/quillbyhealth-inc", "organization/brennock-labs"} <= found, found
    assert "organization/inc" not in found, found


def _two_companies_are_two(graphs: dict[str, Graph]) -> None:
    found = recipients(graphs)
    assert {"organization/quillby-health", "organization/ashmont-care"} <= found, found


def _the_department_a_letter_goes_to(graphs: dict[str, Graph]) -> None:
    found = letters_of(graphs["a"])
    assert list(found.values()) == [
        ("person/orlen-vasquez-tam", {"organization/us-department-of-justice"})
    ], found


def _a_head_noun_with_nothing_before_names_nobody(graphs: dict[str, Graph]) -> None:
    assert recipients(graphs) == set(), letters_of(graphs["a"])


def _the_city_a_letter_went_to(graphs: dict[str, Graph]) -> None:
    assert recipients(graphs) == {"jurisdiction/fresno"}, letters_of(graphs["a"])


def _could_lose_is_a_threat(graphs: dict[str, Graph]) -> None:
    assert "Threat" in kinds(graphs), kinds(graphs)


def _losing_a_game_is_no_threat(graphs: dict[str, Graph]) -> None:
    assert "Threat" not in kinds(graphs), kinds(graphs)


def _a_state_after_a_city_is_no_target(graphs: dict[str, Graph]) -> None:
    threats = kinds(graphs).get("Threat", set())
    assert threats and all(("target", "jurisdiction/missouri") not in r for r in threats), threats
    assert any(("target", "jurisdiction/kansas-city-mo") in r for r in threats), threats


def _a_state_named_alone_is_a_target(graphs: dict[str, Graph]) -> None:
    threats = kinds(graphs).get("Threat", set())
    assert any(("target", "jurisdiction/missouri") in r for r in threats), threats


def _round_is(
    sender: str | None = None,
    recipients: set[str] | None = None,
    date: str | None = None,
    statute: str | None = "",
    rounds: int | None = None,
) -> Callable[[dict[str, Graph]], None]:
    """A check that the article's letters are one round with what is given (a field left out
    is not checked; `statute=None` checks that the round concerns no law)."""

    def holds(graphs: dict[str, Graph]) -> None:
        graph = graphs["a"]
        found = letters_of(graph)
        if rounds is not None:
            days = {graph.value(URIRef(k), CIV.onDate) for k in found}
            assert len(days) == rounds and len(found) >= rounds, found
        for key, (who, _) in found.items():
            subject = URIRef(key)
            if sender is not None:
                assert who == sender, found
            if date is not None:
                assert str(graph.value(subject, CIV.onDate)) == date, found
            if statute != "":
                law = graph.value(subject, CIV.concernsStatute)
                assert (str(law).removeprefix(ID) if law else None) == statute, law
        if recipients is not None:
            assert recipients == set().union(*(r for _, r in found.values())), found

    return holds


def assert_equal(found: object, expected: object) -> None:
    assert found == expected, found


def assert_that_not_by(graphs: dict[str, Graph], agent: str) -> None:
    """No Threat has this agent."""
    assert not any(a == agent for _, a in _threats_by(graphs)), _threats_by(graphs)


def _threats_by(graphs: dict[str, Graph]) -> set[tuple[str, str]]:
    """(date, agent) of every Threat."""
    graph = graphs["a"]
    return {
        (str(graph.value(e, CIV.onDate)), str(a).removeprefix(ID))
        for e in graph.subjects(RDF.type, CIV.Threat)
        for a in graph.objects(e, CIV.agent)
    }


def _rounds_are(expected: dict[str, set[str]]) -> Callable[[dict[str, Graph]], None]:
    """A check that each round (its date) has exactly these recipients."""

    def holds(graphs: dict[str, Graph]) -> None:
        graph = graphs["a"]
        found: dict[str, set[str]] = {}
        for key, (_, named) in letters_of(graph).items():
            found.setdefault(str(graph.value(URIRef(key), CIV.onDate)), set()).update(named)
        assert found == expected, found

    return holds


def _three_named(graphs: dict[str, Graph]) -> None:
    _round_is(rounds=1)(graphs)
    found = {r.split("/", 1)[1] for r in recipients(graphs)}
    assert found == {"quillpath-debt-relief", "ashmont-wholesale", "brennock-pharma"}, found


def _no_round(graphs: dict[str, Graph]) -> None:
    assert letters_of(graphs["a"]) == {}, letters_of(graphs["a"])


CASES: dict[str, Case] = {
    "a-dateline-opens-the-lead-sentence": Case(
        (article("a", "Governor warns city\n\nPHOENIX (AP) — Gov. Orlen Vasquez-Tam threatened Friday to withhold state money from Tempe.\n"),),
        _dateline_lead_is_an_event,
        GEO,
    ),
    "a-rounds-threat-told-after-it": Case(
        (article("a", "Counties get letters\n\nAttorney General Orlen Vasquez-Tam sent letters on Monday to Fresno County and Tulare County asking for jail records. They warn that the office will seek a court order if the counties do not comply.\n"),),
        _threat_told_after_the_round,
        GEO,
    ),
    "a-rounds-threat-told-after-it, near miss: another's threat": Case(
        (article("a", "Counties get letters\n\nAttorney General Orlen Vasquez-Tam sent letters on Monday to Fresno County and Tulare County asking for jail records. Sheriff Tamsin Brennock said she would seek a court order to keep them.\n"),),
        _someone_elses_threat_is_not_the_rounds,
        GEO,
    ),
    "recipients-told-in-the-lead": Case(
        (article("a", "Governor warns\n\nGov. Orlen Vasquez-Tam on Friday told the city of Fresno, Kern County and Tulare County that they could lose state grants.\n\nThe governor's letters, dated Friday, give the three governments until Sept. 1 to answer.\n"),),
        _recipients_from_the_lead,
        GEO,
    ),
    "recipients-told-in-the-lead, near miss: someone else tells": Case(
        (article("a", "Governor warns\n\nMayor Tamsin Brennock on Friday told Kern County and Tulare County that they could lose the fair.\n\nGov. Orlen Vasquez-Tam's letters, dated Friday, give the counties until Sept. 1 to answer.\n"),),
        _no_recipients_from_someone_elses_lead,
        GEO,
    ),
    "a-release-day-or-deadline-is-not-the-rounds": Case(
        (article("a", "County gets letters\n\nAttorney General Orlen Vasquez-Tam on Monday sent letters to Fresno County asking for jail records.\n\nThe letters, which her office released Tuesday, give the county until June 15 to hand over the logs.\n"),),
        _release_day_and_deadline_are_not_the_rounds,
        GEO,
    ),
    "a-release-day-or-deadline-is-not-the-rounds, near miss: sent another day": Case(
        (article("a", "County gets letters\n\nAttorney General Orlen Vasquez-Tam on Monday sent letters to Fresno County asking for jail records.\n\nShe sent new letters Tuesday to Kern County asking for budgets.\n"),),
        _a_new_round_sent_another_day,
        GEO,
    ),
    "gave-in-a-letter-sends-it": Case(
        (article("a", "Governor sets deadline\n\nIn a letter Tuesday, Gov. Orlen Vasquez-Tam gave Fresno County until June 30 to show its records.\n"),),
        _gave_sends_a_letter,
        GEO,
    ),
    "gave-in-a-letter-sends-it, near miss: no letter": Case(
        (article("a", "Governor sets deadline\n\nOn Tuesday, Gov. Orlen Vasquez-Tam gave Fresno County until June 30 to show its records.\n"),),
        _no_letter_without_the_word,
        GEO,
    ),
    "the-rounds-sentence-makes-the-sender-demand": Case(
        (article("a", "Firms asked for records\n\nAttorney General Orlen Vasquez-Tam on Monday sent letters to the Quillby Pharmacy Company demanding five years of sales records by June 1.\n"),),
        _the_rounds_demand_is_its_senders,
    ),
    "the-rounds-sentence-makes-the-sender-demand, near miss: another sentence": Case(
        (article("a", "County asked for records\n\nAttorney General Orlen Vasquez-Tam on Monday sent letters to Fresno County demanding five years of jail records.\n\nSheriff Tamsin Brennock on Tuesday demanded an apology from the state.\n"),),
        _a_demand_in_another_sentence_stays,
        GEO,
    ),
    "a-run-of-states-names-each": Case(
        (article("a", "States get letters\n\nThe U.S. Department of Justice sent letters on Monday to the states of Illinois, Oregon and California.\n"),),
        _a_list_of_states_names_each,
        GEO,
    ),
    "a-run-of-states-names-each, near miss: a state after its city": Case(
        (article("a", "City gets letter\n\nThe U.S. Department of Justice sent letters on Monday to Springfield, Illinois.\n"),),
        _a_state_after_its_city_is_no_recipient,
        GEO,
    ),
    "a-company-suffix-stays-with-its-name": Case(
        (article("a", "Firms get letters\n\nAttorney General Orlen Vasquez-Tam sent letters on Monday to Ashmont Care, Quillbyhealth, Inc. and Brennock Labs asking for prices.\n"),),
        _a_company_suffix_stays_with_its_name,
    ),
    "a-company-suffix-stays-with-its-name, near miss: two names": Case(
        (article("a", "Firms get letters\n\nAttorney General Orlen Vasquez-Tam sent letters on Monday to Quillby Health, Ashmont Care and Brennock Labs asking for prices.\n"),),
        _two_companies_are_two,
    ),
    "in-a-letter-to-the-department": Case(
        (article("a", "Lawmaker presses agency\n\nThe U.S. Department of Justice runs the program.\n\nIn a letter to the department on Monday, Rep. Orlen Vasquez-Tam asked for every contract.\n"),),
        _the_department_a_letter_goes_to,
    ),
    "in-a-letter-to-the-department, near miss: no department before": Case(
        (article("a", "Lawmaker presses agency\n\nIn a letter to the department on Monday, Rep. Orlen Vasquez-Tam asked for every contract.\n"),),
        _a_head_noun_with_nothing_before_names_nobody,
    ),
    "the-city-a-letter-went-to": Case(
        (article("a", "City sues\n\nFresno sued the U.S. Department of Justice on Monday. The conditions, set out in a letter the department sent to the city on December 18, 2019, would require the police to share records.\n"),),
        _the_city_a_letter_went_to,
        GEO,
    ),
    "could-lose-is-a-threat": Case(
        (article("a", "Governor warns\n\nGov. Orlen Vasquez-Tam said Monday that Fresno could lose state grants.\n"),),
        _could_lose_is_a_threat,
        GEO,
    ),
    "could-lose-is-a-threat, near miss: a lost game": Case(
        (article("a", "Team loses\n\nGov. Orlen Vasquez-Tam said Monday that Fresno lost the game.\n"),),
        _losing_a_game_is_no_threat,
        GEO,
    ),
    "a-state-after-its-city-is-no-target": Case(
        (article("a", "Governor warns\n\nGov. Orlen Vasquez-Tam threatened on Monday to withhold state money from Kansas City, Mo.\n"),),
        _a_state_after_a_city_is_no_target,
        GEO,
    ),
    "a-state-after-its-city-is-no-target, near miss: a state alone": Case(
        (article("a", "Governor warns\n\nGov. Orlen Vasquez-Tam threatened on Monday to withhold federal money from Missouri.\n"),),
        _a_state_named_alone_is_a_target,
        GEO,
    ),
    # -- second round: rules that generalise over how reporters write ---------------------------
    "a-law-the-letters-cite-is-theirs": Case(
        (article("a", "Quillby sues\n\nAttorney General Orlen Vasquez-Tam sent letters on Monday to Quillby Foods asking for prices. They warn that she will sue under the Ashmont Consumer Fraud Act if the company does not answer.\n\nQuillby Foods says the Brennock Privacy Act protects its prices.\n"),),
        _round_is(statute="statute/ashmont-consumer-fraud-act"),
    ),
    "a-law-the-letters-cite-is-theirs, near miss: the law of a suit": Case(
        (article("a", "Quillby sues\n\nAttorney General Orlen Vasquez-Tam sent letters on Monday to Quillby Foods asking for prices.\n\nQuillby Foods sued the state in March under the Ashmont Consumer Fraud Act.\n"),),
        _round_is(statute=None),
    ),
    "a-colon-opens-the-run-of-recipients": Case(
        (article("a", "Firms get letters\n\nAttorney General Orlen Vasquez-Tam on Tuesday demanded price lists from three firms.\n\nThe letters went to three companies: QuillPath Debt Relief, Ashmont Wholesale and Brennock Pharma.\n"),),
        _three_named,
        GEO,
    ),
    "an-undated-round-takes-the-day-of-the-lead": Case(
        (article("a", "Firms get letters\n\nAttorney General Orlen Vasquez-Tam on Tuesday demanded price lists from three drug wholesalers.\n\nThe letters went to three companies: Quillby Drug Supply, Ashmont Wholesale and Brennock Pharma.\n"),),
        _round_is(sender="person/orlen-vasquez-tam", date="2020-05-05"),
        GEO,
    ),
    "an-undated-round-takes-the-day-of-the-lead, near miss: someone else's day": Case(
        (article("a", "Firms get letters\n\nSheriff Tamsin Brennock on Tuesday demanded an apology from three drug wholesalers.\n\nAttorney General Orlen Vasquez-Tam's letters went to three companies: Quillby Drug Supply, Ashmont Wholesale and Brennock Pharma.\n"),),
        _round_is(date="2020-05-06"),
        GEO,
    ),
    "wrote-to-someone-is-a-letter": Case(
        (article("a", "Chairman presses airline\n\nSen. Orlen Vasquez-Tam first wrote to Sheriff Tamsin Brennock on January 4.\n"),),
        _round_is(sender="person/orlen-vasquez-tam", recipients={"person/tamsin-brennock"}, date="2020-01-04"),
    ),
    "wrote-to-someone-is-a-letter, near miss: wrote to say": Case(
        (article("a", "Chairman presses airline\n\nSen. Orlen Vasquez-Tam wrote to say that Sheriff Tamsin Brennock had resigned on January 4.\n"),),
        _no_round,
    ),
    "the-letter-asks-its-recipient": Case(
        (article("a", "Mayor presses governor\n\nMayor Orlen Vasquez-Tam sent a letter on Thursday. The letter asks Sheriff Tamsin Brennock to open the books of the jail.\n"),),
        _round_is(recipients={"person/tamsin-brennock"}),
    ),
    "the-letter-asks-its-recipient, near miss: she would ask": Case(
        (article("a", "Mayor presses governor\n\nMayor Orlen Vasquez-Tam sent a letter on Thursday. She said she would ask Sheriff Tamsin Brennock to read the letter.\n"),),
        _round_is(recipients=set()),
    ),
    "a-letter-to-the-governor-named-before": Case(
        (article("a", "Mayor presses governor\n\nGov. Tamsin Brennock opened a summit on Friday.\n\nMayor Orlen Vasquez-Tam spelled out her demand in a letter to the governor on Thursday.\n"),),
        _round_is(sender="person/orlen-vasquez-tam", recipients={"person/tamsin-brennock"}),
    ),
    "a-letter-to-the-governor-named-before, near miss: no governor named": Case(
        (article("a", "Mayor presses governor\n\nSheriff Tamsin Brennock opened a summit on Friday.\n\nMayor Orlen Vasquez-Tam spelled out her demand in a letter to the governor on Thursday.\n"),),
        _round_is(recipients=set()),
    ),
    "letters-to-both-cities-named-before": Case(
        (article("a", "Agency writes cities\n\nThe mayors of Fresno and Bakersfield have refused to change their hiring rules.\n\nLast September the Federal Transit Administration sent letters to both cities saying their grants would be frozen.\n"),),
        _round_is(recipients={"jurisdiction/fresno", "jurisdiction/bakersfield"}, date="2019-09"),
        GEO,
    ),
    "letters-to-both-cities-named-before, near miss: no count": Case(
        (article("a", "Agency writes cities\n\nThe mayors of Fresno, Bakersfield and Modesto have refused to change their hiring rules.\n\nLast September the Federal Transit Administration sent letters to the cities saying their grants would be frozen.\n"),),
        _round_is(recipients=set()),
        GEO,
    ),
    "a-chairman-titled-by-his-committee-sends": Case(
        (article("a", "Chairman writes\n\nSen. Orlen Vasquez-Tam (R-Miss.), Chairman of the Quillby Committee, today sent a letter to Sheriff Tamsin Brennock demanding records.\n"),),
        _round_is(sender="person/orlen-vasquez-tam"),
    ),
    "a-chairman-titled-by-his-committee-sends, near miss: the committee sends": Case(
        (article("a", "Chairman writes\n\nThe Quillby Committee today sent a letter to Sheriff Tamsin Brennock demanding records.\n"),),
        _round_is(sender="organization/quillby-committee"),
    ),
    "in-a-letter-she-asked": Case(
        (article("a", "Executive answers\n\nCounty Executive Tamsin Brennock was less conciliatory than the Quillby Water Board. In a letter sent back to the agency on Monday, she asked the agency to withdraw its request.\n"),),
        _round_is(sender="person/tamsin-brennock"),
    ),
    "a-date-in-a-which-clause-is-not-the-rounds": Case(
        (article("a", "Governor writes\n\nGov. Orlen Vasquez-Tam's letter to Fresno cites the Quillby Act, which lawmakers passed in April, and warns that the city could lose grants.\n"),),
        _round_is(date="2020-05-06", rounds=1),
        GEO,
    ),
    "the-letters-dated-give-the-rounds-day": Case(
        (article("a", "Letters refined\n\nAttorney General Orlen Vasquez-Tam sent letters last week to Quillby Lending.\n\nThe letters, dated April 29, demand that the lender explain its books.\n"),),
        _round_is(sender="person/orlen-vasquez-tam", date="2020-04-29", rounds=1),
    ),
    "letters-at-large-are-no-round": Case(
        (article("a", "Lawmaker objects\n\nRep. Orlen Vasquez-Tam said Friday she would ask lawmakers to write the rules into state law instead of into letters.\n"),),
        _no_round,
    ),
    "letters-at-large-are-no-round, near miss: warnings via letters": Case(
        (article("a", "Warnings sent\n\nThe U.S. Department of Justice's warnings arrived via letters, which asked Fresno for jail records.\n"),),
        _round_is(sender="organization/us-department-of-justice"),
        GEO,
    ),
    "a-dated-letter-from-a-body-sends-it": Case(
        (article("a", "Grant cut\n\nFresno County learned of the cut in a May 4 letter from the Quillby Health Administration.\n"),),
        _round_is(sender="organization/quillby-health-administration", date="2020-05-04"),
        GEO,
    ),
    "a-later-to-is-not-the-recipients": Case(
        (article("a", "Agency warned\n\nChairman Orlen Vasquez-Tam wrote to the U.S. Department of Justice in February seeking every record on its use of hotels to house families in Fresno.\n"),),
        _round_is(recipients={"organization/us-department-of-justice"}),
        GEO,
    ),
    # -- letters round: who sent it, to whom, when ----------------------------------------------
    "a-letter-the-department-sent-is-its": Case(
        (article("a", "Grant\n\nThe U.S. Department of Justice and the Quillby Water Board run the grant. The conditions were set out in a letter the department sent in March to Fresno.\n"),),
        _round_is(sender="organization/us-department-of-justice"),
        GEO,
    ),
    "a-letter-the-department-sent-is-its, near miss: the board sent it": Case(
        (article("a", "Grant\n\nThe U.S. Department of Justice and the Quillby Water Board run the grant. The conditions were set out in a letter the board sent in March to Fresno.\n"),),
        _round_is(sender="organization/quillby-water-board"),
        GEO,
    ),
    "a-court-named-before-sends-no-letter": Case(
        (article("a", "Grant\n\nFresno sued the Quillby Water Board in the U.S. District Court for the Eastern District of California on Monday. The conditions were set out in a letter sent in March to Fresno.\n"),),
        _round_is(sender="organization/quillby-water-board"),
        GEO,
    ),
    "a-court-named-before-sends-no-letter, near miss: the court sends": Case(
        (article("a", "Grant\n\nThe U.S. District Court for the Eastern District of California sent a letter in March to Fresno.\n"),),
        _round_is(sender="organization/us-district-court-for-the-eastern-district-of-california"),
        GEO,
    ),
    "the-official-in-apposition-sends": Case(
        (article("a", "Senator writes\n\nSen. Orlen Vasquez-Tam, a former Ashmont Water Board member now on the Quillby Committee, wrote to the U.S. Department of Justice in February.\n"),),
        _round_is(sender="person/orlen-vasquez-tam"),
    ),
    "the-official-in-apposition-sends, near miss: the body she speaks of": Case(
        (article("a", "Senator writes\n\nSen. Orlen Vasquez-Tam said the Quillby Committee, which she leads, wrote to the U.S. Department of Justice in February.\n"),),
        _round_is(sender="organization/quillby-committee"),
    ),
    "signed-by-names-the-sender": Case(
        (article("a", "Senator writes\n\nThe letter, dated May 4 and addressed to the Quillby Water Board, is signed by Sen. Orlen Vasquez-Tam.\n"),),
        _round_is(sender="person/orlen-vasquez-tam", recipients={"organization/quillby-water-board"}, date="2020-05-04"),
    ),
    "signed-by-names-the-sender, near miss: the signer is the body": Case(
        (article("a", "Senator writes\n\nThe letter, dated May 4 and signed by the Quillby Water Board, is addressed to Sen. Orlen Vasquez-Tam.\n"),),
        _round_is(sender="organization/quillby-water-board", recipients={"person/orlen-vasquez-tam"}),
    ),
    "the-letter-dated-later-dates-an-undated-round": Case(
        (article("a", "Senator writes\n\nThe Quillby Committee is demanding records from the Ashmont Water Board, according to a letter first reported by the Brennock Ledger.\n\nThe letter, dated May 1 and addressed to the Ashmont Water Board, is signed by Sen. Orlen Vasquez-Tam.\n"),),
        _round_is(sender="person/orlen-vasquez-tam", date="2020-05-01", rounds=1),
    ),
    "the-letter-dated-later-dates-an-undated-round, near miss: a round of its own day": Case(
        (article("a", "Senator writes\n\nThe Quillby Committee on Monday sent a letter demanding records from the Ashmont Water Board.\n\nThe letter, dated May 1 and addressed to the Ashmont Water Board, is signed by Sen. Orlen Vasquez-Tam.\n"),),
        _round_is(rounds=2),
    ),
    "a-place-after-in-is-where-not-whom": Case(
        (article("a", "Firms get letters\n\nAttorney General Orlen Vasquez-Tam sent letters on Monday to Quillby Foods and Ashmont Care in Oregon.\n"),),
        _round_is(recipients={"organization/quillby-foods", "organization/ashmont-care"}),
        GEO,
    ),
    "a-place-after-in-is-where-not-whom, near miss: the state is one of them": Case(
        (article("a", "Firms get letters\n\nAttorney General Orlen Vasquez-Tam sent letters on Monday to Quillby Foods, Ashmont Care and Oregon.\n"),),
        _round_is(recipients={"organization/quillby-foods", "organization/ashmont-care", "jurisdiction/oregon"}),
        GEO,
    ),
    "to-both-points-back-to-the-two-named": Case(
        (article("a", "Letters\n\nThe mayors of Fresno and Tulare County refused to answer. The U.S. Department of Justice sent letters on Monday to both, asking for jail records.\n"),),
        _round_is(recipients={"jurisdiction/fresno", "jurisdiction/tulare-county"}),
        GEO,
    ),
    "to-both-points-back-to-the-two-named, near miss: only one named": Case(
        (article("a", "Letters\n\nThe mayor of Fresno refused to answer. The U.S. Department of Justice sent letters on Monday to both, asking for jail records.\n"),),
        _round_is(recipients=set()),
        GEO,
    ),
    "told-the-cities-of-names-them": Case(
        (article("a", "Governor writes\n\nIn a letter dated Monday, Gov. Orlen Vasquez-Tam told the cities of Fresno and Modesto to repeal their bans.\n"),),
        _round_is(recipients={"jurisdiction/fresno", "jurisdiction/modesto"}),
        GEO,
    ),
    "told-the-cities-of-names-them, near miss: told reporters": Case(
        (article("a", "Governor writes\n\nIn a letter dated Monday, Gov. Orlen Vasquez-Tam told reporters that Fresno would lose its grant.\n"),),
        _round_is(recipients=set()),
        GEO,
    ),
    "the-city-beside-a-name-points-back": Case(
        (article("a", "Letters\n\nFresno sued the Quillby Water Board on Monday. The February letter told the city and Tulare County to hand over jail records.\n"),),
        _round_is(recipients={"jurisdiction/fresno", "jurisdiction/tulare-county"}),
        GEO,
    ),
    "the-city-beside-a-name-points-back, near miss: no city before": Case(
        (article("a", "Letters\n\nThe U.S. Department of Justice runs the grant. The February letter told the city and Tulare County to hand over jail records.\n"),),
        _round_is(recipients={"jurisdiction/tulare-county"}),
        GEO,
    ),
    "who-received-the-letters-is-a-recipient": Case(
        (article("a", "Letters\n\nFresno was among the cities that received letters from the U.S. Department of Justice in March.\n"),),
        _round_is(sender="organization/us-department-of-justice", recipients={"jurisdiction/fresno"}),
        GEO,
    ),
    "who-received-the-letters-is-a-recipient, near miss: who criticized them": Case(
        (article("a", "Letters\n\nFresno was among the cities that criticized the letters the U.S. Department of Justice sent in March.\n"),),
        _round_is(sender="organization/us-department-of-justice", recipients=set()),
        GEO,
    ),
    "the-county-learned-of-it-in-a-letter": Case(
        (article("a", "Grant cut\n\nTulare County sued the U.S. Department of Justice on Monday. The county learned of the cut in a May 4 letter from the Quillby Health Administration.\n"),),
        _round_is(sender="organization/quillby-health-administration", recipients={"jurisdiction/tulare-county"}),
        GEO,
    ),
    "the-county-learned-of-it-in-a-letter, near miss: nobody learned": Case(
        (article("a", "Grant cut\n\nTulare County sued the U.S. Department of Justice on Monday. The cut came in a May 4 letter from the Quillby Health Administration.\n"),),
        _round_is(sender="organization/quillby-health-administration", recipients=set()),
        GEO,
    ),
    "also-received-a-letter-joins-the-storys-round": Case(
        (article("a", "Letters\n\nThe U.S. Department of Justice sent letters on May 4 to Fresno. Earlier rounds of letters went out in March. Tulare County, which also received a letter, objected.\n"),),
        _rounds_are({"2020-05-04": {"jurisdiction/fresno", "jurisdiction/tulare-county"}, "2020-03": set()}),
        GEO,
    ),
    "also-received-a-letter-joins-the-storys-round, near miss: received one in March": Case(
        (article("a", "Letters\n\nThe U.S. Department of Justice sent letters on May 4 to Fresno. Earlier rounds of letters went out in March. Tulare County, which received a letter in March, objected.\n"),),
        _rounds_are({"2020-05-04": {"jurisdiction/fresno"}, "2020-03": {"jurisdiction/tulare-county"}}),
        GEO,
    ),
    "the-other-recipients-among-them": Case(
        (article("a", "Firms get letters\n\nAttorney General Orlen Vasquez-Tam sent letters on Monday to six firms, including Quillby Foods. The other recipients, among them Ashmont Care, were not named.\n"),),
        _round_is(recipients={"organization/quillby-foods", "organization/ashmont-care"}),
    ),
    "the-other-recipients-among-them, near miss: other firms": Case(
        (article("a", "Firms get letters\n\nAttorney General Orlen Vasquez-Tam sent letters on Monday to six firms, including Quillby Foods. Other firms, among them Ashmont Care, were not named.\n"),),
        _round_is(recipients={"organization/quillby-foods"}),
    ),
    "among-those-receiving-them-were": Case(
        (article("a", "Letters\n\nThe U.S. Department of Justice sent letters on Monday to 29 cities. Among those receiving them were Fresno, Calif.; and Tulare County.\n"),),
        _round_is(recipients={"jurisdiction/fresno-ca", "jurisdiction/tulare-county-ca"}),
        GEO,
    ),
    "among-those-receiving-them-were, near miss: among those criticizing them": Case(
        (article("a", "Letters\n\nThe U.S. Department of Justice sent letters on Monday to 29 cities. Among those criticizing them were Fresno, Calif.; and Tulare County.\n"),),
        _round_is(recipients=set()),
        GEO,
    ),
    "a-county-whose-name-starts-with-k-is-no-station": Case(
        (article("a", "Letters\n\nThe U.S. Department of Justice sent letters on Monday to Kell County and Wren County.\n"),),
        _round_is(recipients={"jurisdiction/kell-county", "jurisdiction/wren-county"}),
        GEO,
    ),
    "a-county-whose-name-starts-with-k-is-no-station, near miss: a station": Case(
        (article("a", "Letters\n\nThe U.S. Department of Justice sent letters on Monday to Kell County, KQBY reported.\n"),),
        _round_is(recipients={"jurisdiction/kell-county"}),
        GEO,
    ),
    "the-one-law-the-story-says-they-break-is-the-letters": Case(
        (article("a", "Quillby\n\nAttorney General Orlen Vasquez-Tam sent letters on Monday to Quillby Foods asking for prices.\n\nShe has said for years that grocers may be violating the Ashmont Consumer Fraud Act.\n"),),
        _round_is(statute="statute/ashmont-consumer-fraud-act"),
    ),
    "the-one-law-the-story-says-they-break-is-the-letters, near miss: a law only described": Case(
        (article("a", "Quillby\n\nAttorney General Orlen Vasquez-Tam sent letters on Monday to Quillby Foods asking for prices.\n\nThe Ashmont Consumer Fraud Act, which took effect in 2018, limits what grocers may charge.\n"),),
        _round_is(statute=None),
    ),
    "the-letters-say-names-their-law": Case(
        (article("a", "Quillby\n\nAttorney General Orlen Vasquez-Tam sent letters on Monday to Quillby Foods asking for prices. The letters say the prices may violate the Ashmont Consumer Fraud Act. The Brennock Privacy Act does not apply.\n"),),
        _round_is(statute="statute/ashmont-consumer-fraud-act"),
    ),
    "the-letters-say-names-their-law, near miss: the company says": Case(
        (article("a", "Quillby\n\nAttorney General Orlen Vasquez-Tam sent letters on Monday to Quillby Foods asking for prices. The company says the prices do not violate the Ashmont Consumer Fraud Act. The Brennock Privacy Act does not apply.\n"),),
        _round_is(statute=None),
    ),
    "the-verb-by-the-letter-dates-it": Case(
        (article("a", "City sues\n\nFresno filed a lawsuit Wednesday asking a judge to stop the U.S. Department of Justice, escalating a dispute that began with a letter from the department last month.\n"),),
        _round_is(sender="organization/us-department-of-justice", date="2020-04", rounds=1),
        GEO,
    ),
    "the-verb-by-the-letter-dates-it, near miss: the letter's own day": Case(
        (article("a", "City sues\n\nThe U.S. Department of Justice on Monday sent Fresno a letter about its jail, asking for records.\n"),),
        _round_is(sender="organization/us-department-of-justice", date="2020-05-04", rounds=1),
        GEO,
    ),
    "letters-a-body-sent-are-a-round": Case(
        (article("a", "Records sought\n\nThe Ashmont Ledger obtained letters the Quillby Water Board sent on Monday to Fresno demanding jail records.\n"),),
        _round_is(sender="organization/quillby-water-board", recipients={"jurisdiction/fresno"}),
        GEO,
    ),
    "letters-a-body-sent-are-a-round, near miss: letters showing what a body sent": Case(
        (article("a", "Records sought\n\nThe Ashmont Ledger obtained letters showing that the Quillby Water Board sent inspectors on Monday to Fresno.\n"),),
        _no_round,
        GEO,
    ),
    "a-lead-naming-the-sender-by-title-dates-the-round": Case(
        (article("a", "Records\n\nThe chairman of the Quillby Committee on Monday gave the U.S. Department of Justice two weeks to turn over records.\n\nIn a letter to the department, Rep. Orlen Vasquez-Tam asked for every contract.\n"),),
        _round_is(sender="person/orlen-vasquez-tam", date="2020-05-04"),
    ),
    "a-lead-naming-the-sender-by-title-dates-the-round, near miss: someone else named": Case(
        (article("a", "Records\n\nSheriff Tamsin Brennock on Monday gave the U.S. Department of Justice two weeks to turn over records.\n\nIn a letter to the department, Rep. Orlen Vasquez-Tam asked for every contract.\n"),),
        _round_is(sender="person/orlen-vasquez-tam", date="2020-05-06"),
    ),
    "a-law-named-law-in-the-warning-is-the-rounds": Case(
        (article("a", "Lenders warned\n\nAttorney General Orlen Vasquez-Tam sent letters on Monday to Quillby Lending asking where deposits are held. They warn that the state “will use every tool available under the Ashmont Uniform Securities Law.”\n"),),
        _round_is(statute="statute/ashmont-uniform-securities-law"),
    ),
    "a-law-named-law-in-the-warning-is-the-rounds, near miss: a law school": Case(
        (article("a", "Lenders warned\n\nAttorney General Orlen Vasquez-Tam sent letters on Monday to Quillby Lending asking where deposits are held. They warn that the state will sue, said a professor at New Ashmont State Law School.\n"),),
        _round_is(statute=None),
    ),
    "the-lead-two-sentences-back-dates-the-round": Case(
        (article("a", "Records\n\nWhen the U.S. Department of Justice threatened on Monday to subpoena records from Fresno, it named the city. None has answered.\n\nThe department's letters demanded every order.\n"),),
        _round_is(sender="organization/us-department-of-justice", date="2020-05-04"),
        GEO,
    ),
    "the-lead-two-sentences-back-dates-the-round, near miss: three sentences back": Case(
        (article("a", "Records\n\nWhen the U.S. Department of Justice threatened on Monday to subpoena records from Fresno, it named the city. None has answered. Fresno is waiting.\n\nThe department's letters demanded every order.\n"),),
        _round_is(sender="organization/us-department-of-justice", date="2020-05-06"),
        GEO,
    ),
    "the-places-a-dated-lead-names-are-the-recipients": Case(
        (article("a", "Records\n\nWhen the U.S. Department of Justice threatened on Monday to subpoena records from 23 places, it named three cities: Fresno, Modesto and Visalia. None has answered.\n\nThe department's letters demanded every order.\n"),),
        _round_is(date="2020-05-04", recipients={"jurisdiction/fresno", "jurisdiction/modesto", "jurisdiction/visalia"}),
        GEO,
    ),
    "the-places-a-dated-lead-names-are-the-recipients, near miss: places praised": Case(
        (article("a", "Records\n\nWhen the U.S. Department of Justice threatened on Monday to subpoena records from 23 places, it praised three cities: Fresno, Modesto and Visalia. None has answered.\n\nThe department's letters demanded every order.\n"),),
        _round_is(date="2020-05-04", recipients=set()),
        GEO,
    ),
    "the-letter-pointed-back-to-is-not-one-told-as-earlier": Case(
        (article("a", "Senator writes\n\nSen. Orlen Vasquez-Tam today sent a letter to Quillby Air demanding crew records. Vasquez-Tam first wrote to Quillby Air on January 4.\n\nThe letter warns that the committee is prepared to issue subpoenas.\n"),),
        lambda g: assert_equal(dates_of(g, "Threat"), {"2020-05-06"}),
    ),
    "the-letter-pointed-back-to-is-not-one-told-as-earlier, near miss: a later round": Case(
        (article("a", "Senator writes\n\nSen. Orlen Vasquez-Tam on Monday sent a letter to Quillby Air demanding crew records. Vasquez-Tam wrote to Quillby Air again on Tuesday.\n\nThe letter warns that the committee is prepared to issue subpoenas.\n"),),
        lambda g: assert_equal(dates_of(g, "Threat"), {"2020-05-05"}),
    ),
    "letters-that-do-not-threaten-make-no-threat": Case(
        (article("a", "Firms\n\nAttorney General Orlen Vasquez-Tam sent letters on Monday to Quillby Foods asking for prices.\n\nThe letters do not threaten fines.\n"),),
        lambda g: assert_equal(_threats_by(g), set()),
    ),
    "letters-that-do-not-threaten-make-no-threat, near miss: a condition with not": Case(
        (article("a", "Firms\n\nAttorney General Orlen Vasquez-Tam sent letters on Monday to Quillby Foods asking for prices.\n\nCompanies that do not comply will be served with civil investigative demands.\n"),),
        lambda g: assert_equal(_threats_by(g), {("2020-05-04", "person/orlen-vasquez-tam")}),
    ),
    "the-country-in-a-laws-name-threatens-nothing": Case(
        (article("a", "Cities\n\nThe U.S. Department of Justice sent letters on Monday to Fresno and Modesto. Each was told to show that it complies with Title 8 of the U.S. Code or risk losing grants.\n"),),
        lambda g: assert_equal(_threats_by(g), {("2020-05-04", "organization/us-department-of-justice")}),
        GEO,
    ),
    "the-country-in-a-laws-name-threatens-nothing, near miss: a sheriff's words": Case(
        (article("a", "Cities\n\nThe U.S. Department of Justice sent letters on Monday to Fresno and Modesto. Sheriff Tamsin Brennock said the county would risk losing grants.\n"),),
        lambda g: assert_that_not_by(g, "organization/us-department-of-justice"),
        GEO,
    ),
    "a-lead-naming-the-sender-by-title-tells-the-rounds-threat": Case(
        (article("a", "Records\n\nThe chairman of the Quillby Committee on Monday gave the U.S. Department of Justice two weeks to turn over records, and said he would issue a subpoena if the department does not comply.\n\nIn a letter to the department, Rep. Orlen Vasquez-Tam asked for every contract.\n"),),
        lambda g: assert_equal(_threats_by(g), {("2020-05-04", "person/orlen-vasquez-tam")}),
    ),
    "a-lead-naming-the-sender-by-title-tells-the-rounds-threat, near miss: someone else's": Case(
        (article("a", "Records\n\nSheriff Tamsin Brennock on Monday gave the U.S. Department of Justice two weeks to turn over records, and said she would issue a subpoena if the department does not comply.\n\nIn a letter to the department, Rep. Orlen Vasquez-Tam asked for every contract.\n"),),
        lambda g: assert_that_not_by(g, "person/orlen-vasquez-tam"),
    ),
    "a-threat-further-on-while-the-letter-is-spoken-of": Case(
        (article("a", "Firms\n\nAttorney General Orlen Vasquez-Tam sent letters on Monday to Quillby Foods. Each company is asked to name its buyers.\n\n“We want answers,” the letter says. It gives the companies 30 days and warns that the office may use its subpoena power.\n"),),
        lambda g: assert_equal(_threats_by(g), {("2020-05-04", "person/orlen-vasquez-tam")}),
    ),
    "a-threat-further-on-while-the-letter-is-spoken-of, near miss: the story moved on": Case(
        (article("a", "Firms\n\nAttorney General Orlen Vasquez-Tam sent letters on Monday to Quillby Foods. Each company is asked to name its buyers.\n\nThe firms have long refused. The office may use its subpoena power in another case.\n"),),
        lambda g: assert_equal(_threats_by(g), set()),
    ),
    # -- events round: speech events and their days, suits -------------------------------------
    "an-undated-statement-has-no-day": Case(
        (article("a", "Mayor answers\n\nMayor Orlen Vasquez-Tam said in a statement that the city “welcomes any review” of its books.\n"),),
        _has("StatementEvent", None, "person/orlen-vasquez-tam"),
    ),
    "an-undated-statement-has-no-day, near miss: a dated statement": Case(
        (article("a", "Mayor answers\n\nMayor Orlen Vasquez-Tam said in a statement Monday that the city “welcomes any review” of its books.\n"),),
        _has("StatementEvent", "2020-05-04", "person/orlen-vasquez-tam"),
    ),
    "a-live-blogs-statement-is-the-blogs-day": Case(
        (article("a", "Live: summit\n\n3:05 p.m.\n\nMayor Orlen Vasquez-Tam said in a statement that the city “welcomes any review” of its books.\n\n1:20 p.m.\n\nThe summit opened.\n"),),
        _has("StatementEvent", "2020-05-06", "person/orlen-vasquez-tam"),
    ),
    "a-speech-after-the-summit-is-the-summits-day": Case(
        (article("a", "Mayors skip summit\n\nGov. Tamsin Brennock held a summit on Monday.\n\n“We will go on,” Brennock said at a news conference after the summit.\n"),),
        _has("PressConference", "2020-05-04", "person/tamsin-brennock"),
    ),
    "a-speech-after-the-summit-is-the-summits-day, near miss: no summit spoken of": Case(
        (article("a", "Mayors skip summit\n\nGov. Tamsin Brennock held a summit on Monday.\n\n“We will go on,” Brennock said at a news conference.\n"),),
        _has("PressConference", "2020-05-06", "person/tamsin-brennock"),
    ),
    "the-lead-gives-the-speakers-day": Case(
        (article("a", "Sheriff refuses\n\nSheriff Orlen Vasquez-Tam said Monday that she will not hand over the files.\n\n“My office runs investigations,” Vasquez-Tam said at a news conference.\n"),),
        _has("PressConference", "2020-05-04", "person/orlen-vasquez-tam"),
    ),
    "the-lead-gives-the-speakers-day, near miss: someone else's day": Case(
        (article("a", "Sheriff refuses\n\nMayor Tamsin Brennock said Monday that she wants the files.\n\n“My office runs investigations,” Sheriff Orlen Vasquez-Tam said at a news conference.\n"),),
        _has("PressConference", "2020-05-06", "person/orlen-vasquez-tam"),
    ),
    "the-news-conference-pointed-back-to-is-not-hers": Case(
        (article("a", "Sheriff refuses\n\nMayor Orlen Vasquez-Tam responded on Twitter within an hour of the news conference.\n"),),
        _lacks("PressConference", "person/orlen-vasquez-tam"),
    ),
    "the-news-conference-pointed-back-to-is-not-hers, near miss: at a news conference": Case(
        (article("a", "Sheriff refuses\n\nMayor Orlen Vasquez-Tam spoke at a news conference on Monday.\n"),),
        _has("PressConference", "2020-05-04", "person/orlen-vasquez-tam"),
    ),
    "an-interview-is-a-statement": Case(
        (article("a", "Mayor answers\n\nIn an interview Monday evening, Mayor Orlen Vasquez-Tam said the county would appeal.\n"),),
        _has("StatementEvent", "2020-05-04", "person/orlen-vasquez-tam"),
    ),
    "an-interview-is-a-statement, near miss: a plain said": Case(
        (article("a", "Mayor answers\n\nMayor Orlen Vasquez-Tam said the county would appeal.\n"),),
        _lacks("StatementEvent", "person/orlen-vasquez-tam"),
    ),
    "told-the-council-is-a-statement": Case(
        (article("a", "Mayor answers\n\nMayor Orlen Vasquez-Tam told the Quillby City Council on Monday night that the county would appeal.\n"),),
        _has("StatementEvent", "2020-05-04", "person/orlen-vasquez-tam"),
    ),
    "she-wrote-after-a-post-is-a-tweet": Case(
        (article("a", "Mayor answers\n\nMayor Orlen Vasquez-Tam posted on Twitter on Monday.\n\n“The deadline stands,” she wrote.\n"),),
        _both(_has("Tweet", "2020-05-04", "person/orlen-vasquez-tam"), _lacks("StatementEvent", "person/orlen-vasquez-tam")),
    ),
    "she-wrote-after-a-post-is-a-tweet, near miss: after a letter": Case(
        (article("a", "Mayor answers\n\nMayor Orlen Vasquez-Tam sent a letter to Fresno on Monday.\n\n“The deadline stands,” she wrote.\n"),),
        _lacks("Tweet", "person/orlen-vasquez-tam"),
        GEO,
    ),
    "at-his-request-is-no-demand": Case(
        (article("a", "Review opened\n\nThe Quillby Bureau opened the inquiry at his request.\n"),),
        _lacks("Demand", "organization/quillby-bureau"),
    ),
    "at-his-request-is-no-demand, near miss: requested": Case(
        (article("a", "Review opened\n\nThe Quillby Bureau requested the records on Monday.\n"),),
        _has("Demand", "2020-05-04", "organization/quillby-bureau"),
    ),
    "a-date-of-another-noun-is-not-the-events": Case(
        (article("a", "Mayor demands records\n\nMayor Orlen Vasquez-Tam demanded the records of the June spill.\n"),),
        _has("Demand", "2020-05-06", "person/orlen-vasquez-tam"),
    ),
    "a-date-of-another-noun-is-not-the-events, near miss: demanded in June": Case(
        (article("a", "Mayor demands records\n\nMayor Orlen Vasquez-Tam demanded the records in June.\n"),),
        _has("Demand", "2019-06", "person/orlen-vasquez-tam"),
    ),
    "an-undated-suit-is-the-dated-one": Case(
        (article("a", "City sues\n\nFresno sued the U.S. Department of Justice in December. The lawsuit argues that the conditions are unlawful.\n"),),
        _one_lawsuit,
        GEO,
    ),
    "an-undated-suit-is-the-dated-one, near miss: another plaintiff": Case(
        (article("a", "City sues\n\nFresno sued the U.S. Department of Justice in December. Kern County has filed a lawsuit of its own.\n"),),
        _two_lawsuits,
        GEO,
    ),
    "the-judge-and-court-are-the-rulings-agents": Case(
        (article("a", "Judge orders\n\nA federal judge on Tuesday ordered the U.S. Department of Justice to release a grant to Fresno. U.S. District Judge Orlen Vasquez-Tam of the U.S. District Court for the Eastern District of California wrote that the conditions were unlawful.\n"),),
        _only("CourtRuling", "2020-05-05", ("agent", "person/orlen-vasquez-tam"), ("agent", "organization/us-district-court-for-the-eastern-district-of-california"), ("target", "organization/us-department-of-justice")),
        GEO,
    ),
    "the-judge-and-court-are-the-rulings-agents, near miss: a lawyer named after it": Case(
        (article("a", "Judge orders\n\nA federal judge on Tuesday ordered the U.S. Department of Justice to release a grant to Fresno. Orlen Vasquez-Tam, a lawyer for Fresno, said the city was pleased.\n"),),
        _only("CourtRuling", "2020-05-05", ("target", "organization/us-department-of-justice")),
        GEO,
    ),
    "a-ruling-binds-whom-it-names-after-its-verb": Case(
        (article("a", "Grants\n\nA Kern County judge ruled Thursday that the city of Fresno must release the records to the Quillby Ledger.\n"),),
        _only("CourtRuling", "2020-04-30", ("target", "jurisdiction/fresno")),
        GEO,
    ),
    "a-ruling-binds-whom-it-names-after-its-verb, near miss: courts in a state": Case(
        (article("a", "Courts\n\nLast year, federal courts in California blocked the administration's efforts to withhold grants.\n"),),
        _only("CourtRuling", "2019"),
        GEO,
    ),
    "ruled-out-is-no-ruling": Case(
        (article("a", "Mayor\n\nFresno Mayor Orlen Vasquez-Tam said Tuesday he had not ruled out asking the Justice Department for help.\n"),),
        _count("CourtRuling", 0),
        GEO,
    ),
    "ruled-out-is-no-ruling, near miss: ruled that": Case(
        (article("a", "Mayor\n\nA judge ruled Tuesday that the Justice Department must pay Fresno.\n"),),
        _count("CourtRuling", 1),
        GEO,
    ),
    "a-ruling-dated-by-its-year-is-the-dated-one": Case(
        (article("a", "Grants\n\nA federal judge on Tuesday barred the U.S. Department of Justice from withholding a grant from Fresno. Judge Orlen Vasquez-Tam ruled that the department had gone beyond the law when it added conditions this year.\n"),),
        _only("CourtRuling", "2020-05-05", ("agent", "person/orlen-vasquez-tam"), ("target", "organization/us-department-of-justice")),
        GEO,
    ),
    "a-ruling-dated-by-its-year-is-the-dated-one, near miss: a ruling of another year": Case(
        (article("a", "Grants\n\nA federal judge on Tuesday barred the U.S. Department of Justice from withholding a grant from Fresno. In 2018 another judge ruled that Kern County must pay.\n"),),
        _count("CourtRuling", 2),
        GEO,
    ),
    "which-sued-the-city-names-who-sued-and-whom": Case(
        (article("a", "Records\n\nA Kern County judge ruled Thursday that the city of Fresno must release the records to the Ashmont Tenants Association, which sued the city in March.\n"),),
        _only("Lawsuit", "2020-03", ("agent", "organization/ashmont-tenants-association"), ("target", "jurisdiction/fresno")),
        GEO,
    ),
    "which-sued-the-city-names-who-sued-and-whom, near miss: no relative clause": Case(
        (article("a", "Records\n\nKern County and the Ashmont Tenants Association sued Fresno in March.\n"),),
        _only("Lawsuit", "2020-03", ("agent", "jurisdiction/kern-county"), ("agent", "organization/ashmont-tenants-association"), ("target", "jurisdiction/fresno")),
        GEO,
    ),
    "a-suit-is-against-whom-the-ruling-binds": Case(
        (article("a", "Grants\n\nFresno sued in March. A federal judge on Tuesday barred the U.S. Department of Justice from withholding the grant.\n"),),
        _lawsuit_is("2020-03", ("agent", "jurisdiction/fresno"), ("target", "organization/us-department-of-justice")),
        GEO,
    ),
    "a-suit-is-against-whom-the-ruling-binds, near miss: no ruling": Case(
        (article("a", "Grants\n\nFresno sued in March.\n"),),
        _only("Lawsuit", "2020-03", ("agent", "jurisdiction/fresno")),
        GEO,
    ),
    "a-suit-challenging-what-a-body-did-is-against-it": Case(
        (article("a", "Grants\n\nFresno filed a lawsuit Tuesday challenging conditions that the U.S. Department of Justice attached to a grant.\n"),),
        _only("Lawsuit", "2020-05-05", ("agent", "jurisdiction/fresno"), ("target", "organization/us-department-of-justice")),
        GEO,
    ),
    "a-suit-challenging-what-a-body-did-is-against-it, near miss: the body in another sentence": Case(
        (article("a", "Grants\n\nFresno filed a lawsuit Tuesday. The U.S. Department of Justice attached conditions to a grant.\n"),),
        _only("Lawsuit", "2020-05-05", ("agent", "jurisdiction/fresno")),
        GEO,
    ),
    "sued-the-city-points-back": Case(
        (article("a", "Records\n\nFresno refused to release the records. The Ashmont Tenants Association sued the city in March.\n"),),
        _only("Lawsuit", "2020-03", ("agent", "organization/ashmont-tenants-association"), ("target", "jurisdiction/fresno")),
        GEO,
    ),
    "sued-the-city-points-back, near miss: sued in a month": Case(
        (article("a", "Records\n\nFresno refused to release the records. The Ashmont Tenants Association sued in March.\n"),),
        _only("Lawsuit", "2020-03", ("agent", "organization/ashmont-tenants-association")),
        GEO,
    ),
    "a-body-that-is-reviewing-has-a-review": Case(
        (article("a", "Rents\n\nThe Ashmont Housing Authority, which licenses landlords, is reviewing the same complaints, a spokesman said.\n"),),
        _only("Review", None, ("agent", "organization/ashmont-housing-authority")),
    ),
    "a-body-that-is-reviewing-has-a-review, near miss: said it was reviewing the letter": Case(
        (article("a", "Rents\n\nA spokesman said the Ashmont Housing Authority was reviewing the letter.\n"),),
        _count("Review", 0),
    ),
    "a-body-finishing-its-review-has-one": Case(
        (article("a", "Rents\n\nMayor Orlen Vasquez-Tam said the council could read the reports once the Ashmont Housing Authority finishes its review of the June inspection.\n"),),
        _only("Review", None, ("agent", "organization/ashmont-housing-authority")),
    ),
    "a-body-finishing-its-review-has-one, near miss: a review nobody does": Case(
        (article("a", "Rents\n\nMayor Orlen Vasquez-Tam said the council could read the reports once a review is done.\n"),),
        _count("Review", 0),
    ),
    "a-dated-review-in-someones-words-is-talk": Case(
        (article("a", "Rents\n\nMayor Orlen Vasquez-Tam told reporters on Sunday that the annual audit of the Ashmont Housing Authority was useless.\n"),),
        _count("Review", 0),
    ),
    "a-dated-review-in-someones-words-is-talk, near miss: the story's own words": Case(
        (article("a", "Rents\n\nThe Ashmont Housing Authority flagged ten landlords in 2016.\n"),),
        _only("Review", "2016", ("agent", "organization/ashmont-housing-authority")),
    ),
    "declined-to-attend-is-a-boycott": Case(
        (article("a", "Hearing\n\nDirector Orlen Vasquez-Tam declined to attend Tuesday's hearing.\n"),),
        _only("Boycott", "2020-05-05", ("boycotter", "person/orlen-vasquez-tam")),
    ),
    "declined-to-attend-is-a-boycott, near miss: attended": Case(
        (article("a", "Hearing\n\nDirector Orlen Vasquez-Tam attended Tuesday's hearing.\n"),),
        _count("Boycott", 0),
    ),
    "stayed-home-is-a-boycott": Case(
        (article("a", "Summit\n\nFresno Mayor Orlen Vasquez-Tam stayed home Tuesday as the governor opened the summit.\n"),),
        _only("Boycott", "2020-05-05", ("boycotter", "person/orlen-vasquez-tam")),
        GEO,
    ),
    "stayed-home-is-a-boycott, near miss: went home": Case(
        (article("a", "Summit\n\nFresno Mayor Orlen Vasquez-Tam went home Tuesday as the governor opened the talks.\n"),),
        _count("Boycott", 0),
        GEO,
    ),
    "would-not-attend-told-on-a-day-is-not-that-days": Case(
        (article("a", "Hearing\n\nDirector Orlen Vasquez-Tam told the committee on Monday that she would not attend.\n"),),
        _only("Boycott", "2020-05-06", ("boycotter", "person/orlen-vasquez-tam")),
    ),
    "would-not-attend-told-on-a-day-is-not-that-days, near miss: did not attend on a day": Case(
        (article("a", "Hearing\n\nDirector Orlen Vasquez-Tam did not attend on Monday.\n"),),
        _only("Boycott", "2020-05-04", ("boycotter", "person/orlen-vasquez-tam")),
    ),
    "the-mayors-of-a-and-b-are-the-mayors-named": Case(
        (article("a", "Mayors\n\nThe mayors of Fresno and Bakersfield stayed away from the summit on Tuesday. Fresno Mayor Orlen Vasquez-Tam called it a stunt. Bakersfield Mayor Ana Quillby agreed.\n"),),
        _only("Boycott", "2020-05-05", ("boycotter", "person/orlen-vasquez-tam"), ("boycotter", "person/ana-quillby")),
        GEO,
    ),
    "the-mayors-of-a-and-b-are-the-mayors-named, near miss: mayors not named": Case(
        (article("a", "Mayors\n\nThe mayors of Fresno and Bakersfield stayed away from the summit on Tuesday. Orlen Vasquez-Tam called it a stunt.\n"),),
        _only("Boycott", "2020-05-05"),
        GEO,
    ),
    "as-did-names-another-boycotter": Case(
        (article("a", "Summit\n\nState Rep. Orlen Vasquez-Tam stayed away on Tuesday, as did Fresno Mayor Ana Quillby, who had been invited.\n"),),
        _only("Boycott", "2020-05-05", ("boycotter", "person/orlen-vasquez-tam"), ("boycotter", "person/ana-quillby")),
        GEO,
    ),
    "as-did-names-another-boycotter, near miss: as she had asked": Case(
        (article("a", "Summit\n\nState Rep. Orlen Vasquez-Tam stayed away on Tuesday, as Fresno Mayor Ana Quillby had asked.\n"),),
        _only("Boycott", "2020-05-05", ("boycotter", "person/orlen-vasquez-tam")),
        GEO,
    ),
    "canceled-flights-are-no-boycott": Case(
        (article("a", "Flights\n\nThe Quillby Airline canceled more than 4,100 flights on Tuesday.\n"),),
        _count("Boycott", 0),
    ),
    "canceled-flights-are-no-boycott, near miss: a canceled meeting": Case(
        (article("a", "Mayors\n\nThe mayors canceled a meeting with the governor on Tuesday.\n"),),
        _count("Boycott", 1),
    ),
    "the-host-of-a-meeting-is-its-agent": Case(
        (article("a", "Summit\n\nThe summit, hosted by Gov. Orlen Vasquez-Tam at the Fresno Convention Center, went ahead on Tuesday.\n"),),
        _only("Meeting", "2020-05-05", ("agent", "person/orlen-vasquez-tam")),
        GEO,
    ),
    "the-host-of-a-meeting-is-its-agent, near miss: a meeting with her": Case(
        (article("a", "Summit\n\nThe summit went ahead on Tuesday with Gov. Orlen Vasquez-Tam.\n"),),
        _only("Meeting", "2020-05-05", ("attendee", "person/orlen-vasquez-tam")),
        GEO,
    ),
    "a-judge-who-wrote-made-no-statement": Case(
        (article("a", "Ruling\n\nJudge Orlen Vasquez-Tam wrote that the rule \"cannot stand.\"\n"),),
        _count("StatementEvent", 0),
    ),
    "a-judge-who-wrote-made-no-statement, near miss: wrote in a statement": Case(
        (article("a", "Ruling\n\nMayor Orlen Vasquez-Tam wrote in a statement that the rule \"cannot stand.\"\n"),),
        _count("StatementEvent", 1),
    ),
    "a-withholding-barred-is-no-threat": Case(
        (article("a", "Grants\n\nA judge on Tuesday barred Gov. Orlen Vasquez-Tam from withholding grants from Fresno.\n"),),
        _count("Threat", 0),
        GEO,
    ),
    "a-withholding-barred-is-no-threat, near miss: she would withhold them": Case(
        (article("a", "Grants\n\nGov. Orlen Vasquez-Tam said on Tuesday that she would withhold grants from Fresno.\n"),),
        _count("Threat", 1),
        GEO,
    ),
    "a-law-that-lets-a-state-withhold-is-no-threat": Case(
        (article("a", "Grants\n\nThe Quillby Act allows the state to withhold grants from Fresno, Gov. Orlen Vasquez-Tam said.\n"),),
        _count("Threat", 0),
        GEO,
    ),
    "without-warning-is-no-threat": Case(
        (article("a", "Grants\n\nGov. Orlen Vasquez-Tam cut the grant to Fresno on Tuesday without warning.\n"),),
        _count("Threat", 0),
        GEO,
    ),
    "without-warning-is-no-threat, near miss: after warning": Case(
        (article("a", "Grants\n\nGov. Orlen Vasquez-Tam cut the grant to Fresno on Tuesday after warning the city.\n"),),
        _count("Threat", 1),
        GEO,
    ),
    "barred-from-asking-is-no-demand": Case(
        (article("a", "Police\n\nChief Orlen Vasquez-Tam said a city rule keeps officers from asking anyone about citizenship.\n"),),
        _count("Demand", 0),
    ),
    "barred-from-asking-is-no-demand, near miss: asking them to stop": Case(
        (article("a", "Police\n\nChief Orlen Vasquez-Tam sent a memo on Tuesday asking officers to stop.\n"),),
        _count("Demand", 1),
    ),
    "a-suit-asking-a-judge-is-no-demand": Case(
        (article("a", "Suit\n\nMayor Orlen Vasquez-Tam filed a lawsuit on Tuesday asking a federal judge to block the rule.\n"),),
        _count("Demand", 0),
    ),
    "a-request-for-comment-is-no-demand": Case(
        (article("a", "Suit\n\nThe Quillby Group did not respond to a request for comment on Tuesday.\n"),),
        _count("Demand", 0),
    ),
    "a-request-for-comment-is-no-demand, near miss: the group requests records": Case(
        (article("a", "Suit\n\nThe Quillby Group requests records from Mayor Orlen Vasquez-Tam.\n"),),
        _count("Demand", 1),
    ),
    "called-on-to-is-a-demand-of-the-one-named-next": Case(
        (article("a", "Rule\n\nMayor Orlen Vasquez-Tam on Tuesday called on Gov. Ana Quillby to repeal the rule.\n"),),
        _only("Demand", "2020-05-05", ("agent", "person/orlen-vasquez-tam"), ("target", "person/ana-quillby")),
    ),
    "called-on-to-is-a-demand-of-the-one-named-next, near miss: called on a day": Case(
        (article("a", "Rule\n\nMayor Orlen Vasquez-Tam called on Tuesday and spoke to Gov. Ana Quillby.\n"),),
        _count("Demand", 0),
    ),
    "an-undated-call-on-lawmakers-is-undated-and-targets-no-place": Case(
        (article("a", "Aid\n\nSen. Orlen Vasquez-Tam called on lawmakers to end road aid to Fresno.\n"),),
        _only("Demand", None, ("agent", "person/orlen-vasquez-tam")),
        GEO,
    ),
    "and-called-on-asks-as-the-clauses-subject": Case(
        (article("a", "Rule\n\nMayor Orlen Vasquez-Tam on Tuesday rejected Gov. Ana Quillby's plan and called on the governor to drop it.\n"),),
        _only("Demand", "2020-05-05", ("agent", "person/orlen-vasquez-tam"), ("target", "person/ana-quillby")),
    ),
    "and-called-on-asks-as-the-clauses-subject, near miss: no coordination": Case(
        (article("a", "Rule\n\nMayor Orlen Vasquez-Tam said on Tuesday that Gov. Ana Quillby called on the council to drop it.\n"),),
        _only("Demand", "2020-05-05", ("agent", "person/ana-quillby")),
    ),
    "the-city-asked-the-one-it-points-back-to": Case(
        (article("a", "Rule\n\nFresno sued Gov. Ana Quillby on Monday. Lawyer Orlen Vasquez-Tam said the city asked the governor in April to explain the rule.\n"),),
        _has("Demand", "2020-04", "jurisdiction/fresno"),
        GEO,
    ),
    "a-complaint-asks-a-judge-is-no-demand": Case(
        (article("a", "Rule\n\nThe suit, filed by Mayor Orlen Vasquez-Tam, asks a judge to halt the rule.\n"),),
        _count("Demand", 0),
    ),
    "a-complaint-asks-a-judge-is-no-demand, near miss: asks the council": Case(
        (article("a", "Rule\n\nMayor Orlen Vasquez-Tam asks the council to block the rule.\n"),),
        _count("Demand", 1),
    ),
    "called-on-the-sheriffs-office-is-the-office": Case(
        (article("a", "Rule\n\nThe Fresno County Sheriff's Office adopted a rule on Monday. Sheriff Ana Quillby defended it. On Tuesday, Rep. Orlen Vasquez-Tam called on the sheriff's office to withdraw it.\n"),),
        _only("Demand", "2020-05-05", ("agent", "person/orlen-vasquez-tam"), ("target", "organization/fresno-county-sheriffs-office")),
        GEO,
    ),
    "a-statement-is-the-persons-who-says-it-not-her-countys": Case(
        (article("a", "Data\n\nAlameda County Executive Orlen Vasquez-Tam also declined.\n\nIn a statement Tuesday, Vasquez-Tam said the county had written to the agency for data and “got no reply.”\n"),),
        _only("StatementEvent", "2020-05-05", ("agent", "person/orlen-vasquez-tam")),
        "curated/us-places.ttl",
    ),
    "a-statement-is-the-persons-who-says-it-not-her-countys, near miss: the county says it": Case(
        (article("a", "Data\n\nAlameda County Executive Orlen Vasquez-Tam also declined.\n\nIn a statement Tuesday, Alameda County said it “got no reply.”\n"),),
        _only("StatementEvent", "2020-05-05", ("agent", "jurisdiction/alameda-county-ca")),
        "curated/us-places.ttl",
    ),
    "a-saying-the-story-dates-is-a-statement-event": Case(
        (article("a", "Toll\n\nMayor Orlen Vasquez-Tam, a Democrat, said Sunday that he would not budge.\n"),),
        _only("StatementEvent", "2020-05-03", ("agent", "person/orlen-vasquez-tam")),
    ),
    "a-saying-the-story-dates-is-a-statement-event, near miss: undated": Case(
        (article("a", "Toll\n\nMayor Orlen Vasquez-Tam, a Democrat, said that he would not budge.\n"),),
        _count("StatementEvent", 0),
    ),
    "a-saying-the-story-dates-is-a-statement-event, near miss: a body's unnamed spokeswoman": Case(
        (article("a", "Toll\n\nA Quillby Group spokeswoman said Sunday that the group would not budge.\n"),),
        _count("StatementEvent", 0),
    ),
    "the-leads-saying-is-the-news-conference-told-later": Case(
        (article("a", "Jail\n\nSheriff Orlen Vasquez-Tam said yesterday that the jail would stay open.\n\nThe jail has 300 beds. It opened in 1990. It is old.\n\nThe sheriff took questions at a news conference at the jail.\n"),),
        _both(
            _only("PressConference", "2020-05-05", ("agent", "person/orlen-vasquez-tam")),
            _count("StatementEvent", 0),
        ),
    ),
    "the-leads-saying-is-the-news-conference-told-later, near miss: another speaker's lead": Case(
        (article("a", "Jail\n\nMayor Ana Quillby said yesterday that the jail would stay open.\n\nSheriff Orlen Vasquez-Tam runs it. It opened in 1990. It is old.\n\nThe sheriff took questions at a news conference at the jail.\n"),),
        _only("PressConference", "2020-05-06", ("agent", "person/orlen-vasquez-tam")),
    ),
    "a-suit-that-may-come-is-no-lawsuit": Case(
        (article("a", "Solar\n\nGov. Orlen Vasquez-Tam warned that firms that miss the deadline could be sued.\n"),),
        _count("Lawsuit", 0),
    ),
    "a-suit-that-may-come-is-no-lawsuit, near miss: a company sued": Case(
        (article("a", "Solar\n\nThe Quillby Group sued Gov. Orlen Vasquez-Tam on Tuesday.\n"),),
        _count("Lawsuit", 1),
    ),
    "what-attorneys-general-do-is-no-lawsuit": Case(
        (article("a", "Analysis\n\nBefore regulators sue lenders, they send warnings, Orlen Vasquez-Tam said.\n"),),
        _count("Lawsuit", 0),
    ),
    "what-attorneys-general-do-is-no-lawsuit, near miss: named cities sue": Case(
        (article("a", "Fresno, Bakersfield sue Gov. Orlen Vasquez-Tam\n\nThe cities filed the suit on Tuesday.\n"),),
        _count("Lawsuit", 1),
        GEO,
    ),
    "a-bodys-hearing-is-held-by-the-body": Case(
        (article("a", "Fraud\n\nThe Quillby Committee’s hearing on tolls opened on Tuesday.\n"),),
        _only("Meeting", "2020-05-05", ("agent", "organization/quillby-committee")),
    ),
    "a-bodys-hearing-is-held-by-the-body, near miss: no one holds the hearing": Case(
        (article("a", "Fraud\n\nGov. Orlen Vasquez-Tam lost her hearing on Tuesday.\n"),),
        _count("Meeting", 0),
    ),
    "who-schedules-a-session-holds-it": Case(
        (article("a", "Plates\n\nThe Fresno City Council called a special session for Tuesday.\n"),),
        _only("Meeting", "2020-05-12", ("agent", "organization/fresno-city-council")),
        GEO,
    ),
    "who-plans-a-summit-holds-it": Case(
        (article("a", "Tolls\n\nGov. Orlen Vasquez-Tam plans another summit in Fresno in January.\n"),),
        _only("Meeting", "2021-01", ("agent", "person/orlen-vasquez-tam")),
        GEO,
    ),
    "who-plans-a-summit-holds-it, near miss: a scheduled meeting is no verb": Case(
        (article("a", "Tolls\n\nMayor Orlen Vasquez-Tam skipped a scheduled meeting in Fresno.\n"),),
        _only("Meeting", "2020-05-06"),
        GEO,
    ),
    "the-council-meets-is-a-meeting-it-holds": Case(
        (article("a", "Cameras\n\nThe Fresno City Council rejected the plan. The council meets again on May 28.\n"),),
        _only("Meeting", "2020-05-28", ("agent", "organization/fresno-city-council")),
        GEO,
    ),
    "a-meeting-word-in-a-name-is-no-meeting": Case(
        (article("a", "Insulin\n\nGov. Orlen Vasquez-Tam sent letters to Summit Quillby Partners on Tuesday.\n"),),
        _count("Meeting", 0),
    ),
    "a-dated-said-yields-to-the-sentences-other-statement": Case(
        (article("a", "Budget\n\nMayor Ana Quillby said Monday that the county would appeal, and Gov. Orlen Vasquez-Tam told reporters he would not.\n"),),
        _only("StatementEvent", "2020-05-04", ("agent", "person/orlen-vasquez-tam")),
    ),
    "a-threat-told-on-the-storys-day-is-the-senders-one-round": Case(
        (article("a", "Governor threatens road money for Fresno and Bakersfield\n\nGov. Orlen Vasquez-Tam is threatening to pull state money from two cities unless they change their zoning rules.\n\nThe governor sent letters Friday to Fresno and Bakersfield.\n\nThe letters give the cities until Nov. 1 to act.\n\nOtherwise, the letters say, the state will keep their grants.\n"),),
        _only("Threat", "2020-05-01", ("agent", "person/orlen-vasquez-tam"), ("target", "jurisdiction/fresno"), ("target", "jurisdiction/bakersfield")),
        GEO,
    ),
    "a-threat-told-on-the-storys-day-is-the-senders-one-round, near miss: another's threat": Case(
        (article("a", "Governor threatens road money for Fresno and Bakersfield\n\nGov. Orlen Vasquez-Tam is threatening to pull state money from two cities unless they change their zoning rules.\n\nThe governor sent letters Friday to Fresno and Bakersfield.\n\nThe letters give the cities until Nov. 1 to act.\n\nOtherwise, the letters say, the state will keep their grants.\n\nMayor Ana Quillby is threatening to cut the county's water.\n"),),
        _count("Threat", 2),
        GEO,
    ),
    "the-place-a-threat-is-made-in-is-no-target": Case(
        (article("a", "Roads\n\nIn Fresno, Gov. Orlen Vasquez-Tam warned on Tuesday that he would withhold money from Bakersfield.\n"),),
        _only("Threat", "2020-05-05", ("agent", "person/orlen-vasquez-tam"), ("target", "jurisdiction/bakersfield")),
        GEO,
    ),
    "the-place-a-threat-is-made-in-is-no-target, near miss: the place warned": Case(
        (article("a", "Roads\n\nGov. Orlen Vasquez-Tam warned Fresno on Tuesday that he would withhold money from Bakersfield.\n"),),
        _only("Threat", "2020-05-05", ("agent", "person/orlen-vasquez-tam"), ("target", "jurisdiction/fresno"), ("target", "jurisdiction/bakersfield")),
        GEO,
    ),
    "the-place-whose-officer-threatens-is-no-target": Case(
        (article("a", "Roads\n\nCalifornia Attorney General Orlen Vasquez-Tam warned on Tuesday that she would withhold money from Bakersfield.\n"),),
        _only("Threat", "2020-05-05", ("agent", "person/orlen-vasquez-tam"), ("target", "jurisdiction/bakersfield-ca")),
        GEO,
    ),
    "would-not-go-and-also-declined-are-the-boycotts": Case(
        (article("a", "Summit\n\nTwo mayors stayed away from the summit on Tuesday.\n\nFresno Mayor Orlen Vasquez-Tam announced on Monday that she would not go.\n\nBakersfield Mayor Ana Quillby also declined.\n"),),
        _only("Boycott", "2020-05-05", ("boycotter", "person/orlen-vasquez-tam"), ("boycotter", "person/ana-quillby")),
        GEO,
    ),
    "would-not-go-and-also-declined-are-the-boycotts, near miss: declined to comment": Case(
        (article("a", "Summit\n\nTwo mayors stayed away from the summit on Tuesday.\n\nFresno Mayor Orlen Vasquez-Tam announced on Monday that she would not go.\n\nBakersfield Mayor Ana Quillby declined to comment.\n"),),
        _only("Boycott", "2020-05-05", ("boycotter", "person/orlen-vasquez-tam")),
        GEO,
    ),
    "a-ceremony-she-hosted-is-held-by-her": Case(
        (article("a", "Signing\n\nGov. Orlen Vasquez-Tam signed the bill on Friday at a ceremony she held at the library.\n"),),
        _only("Meeting", "2020-05-01", ("agent", "person/orlen-vasquez-tam")),
    ),
    "a-ceremony-she-hosted-is-held-by-her, near miss: a ceremony no one hosts": Case(
        (article("a", "Signing\n\nGov. Orlen Vasquez-Tam signed the bill on Friday at a ceremony at the library.\n"),),
        _count("Meeting", 0),
    ),
    "an-undated-boycott-is-on-the-day-of-the-weeks-one-meeting": Case(
        (article("a", "Signing\n\nGov. Orlen Vasquez-Tam signed the bill on Friday at a ceremony she held at the library.\n\nMayor Ana Quillby stayed away.\n"),),
        _only("Boycott", "2020-05-01", ("boycotter", "person/ana-quillby")),
    ),
    "an-undated-boycott-is-on-the-day-of-the-weeks-one-meeting, near miss: a meeting long before": Case(
        (article("a", "Signing\n\nGov. Orlen Vasquez-Tam signed the bill on April 2 at a ceremony she held at the library.\n\nMayor Ana Quillby stayed away.\n"),),
        _only("Boycott", "2020-05-06", ("boycotter", "person/ana-quillby")),
    ),
    "an-hour-later-is-the-day-told-before": Case(
        (article("a", "Shelters\n\nGov. Orlen Vasquez-Tam sent letters Friday to Fresno.\n\nMayor Ana Quillby replied on Twitter two hours later.\n"),),
        _only("Tweet", "2020-05-01", ("agent", "person/ana-quillby")),
        GEO,
    ),
    "an-hour-later-is-the-day-told-before, near miss: no later": Case(
        (article("a", "Shelters\n\nGov. Orlen Vasquez-Tam sent letters Friday to Fresno.\n\nMayor Ana Quillby replied on Twitter.\n"),),
        _only("Tweet", "2020-05-06", ("agent", "person/ana-quillby")),
        GEO,
    ),
    "that-evening-is-the-day-told-before-not-its-deadline": Case(
        (article("a", "Grants\n\nGov. Orlen Vasquez-Tam sent a letter Monday to Fresno warning it to act by May 29.\n\nMayor Ana Quillby put the letter on Twitter that evening.\n"),),
        _only("Tweet", "2020-05-04", ("agent", "person/ana-quillby")),
        GEO,
    ),
    "a-day-in-what-was-told-is-not-the-tellings": Case(
        (article("a", "Vote\n\nMayor Ana Quillby told reporters that the board will decide Thursday.\n"),),
        _only("StatementEvent", None, ("agent", "person/ana-quillby")),
    ),
    "a-day-in-what-was-told-is-not-the-tellings, near miss: told on a day": Case(
        (article("a", "Vote\n\nMayor Ana Quillby told reporters Thursday that the board will decide.\n"),),
        _only("StatementEvent", "2020-04-30", ("agent", "person/ana-quillby")),
    ),
    "the-city-said-in-a-statement-is-the-citys": Case(
        (article("a", "Records\n\nFresno will send the Quillby Group every record it asked for, the city said in a statement Tuesday.\n"),),
        _only("StatementEvent", "2020-05-05", ("agent", "jurisdiction/fresno")),
        GEO,
    ),
    "the-city-said-in-a-statement-is-the-citys, near miss: a person said it": Case(
        (article("a", "Records\n\nFresno will send the Quillby Group every record it asked for, Mayor Ana Quillby said in a statement Tuesday.\n"),),
        _only("StatementEvent", "2020-05-05", ("agent", "person/ana-quillby")),
        GEO,
    ),
    "the-cities-that-sued-are-the-cities-named": Case(
        (article("a", "Grants\n\nA judge on Tuesday ordered the Quillby Agency to pay Fresno, Calif., and Bakersfield, Calif.\n\nThe dispute began last year. The cities sued in November.\n"),),
        _lawsuit_is("2019-11", ("agent", "jurisdiction/fresno-ca"), ("agent", "jurisdiction/bakersfield-ca"), ("target", "organization/quillby-agency")),
        GEO,
    ),
    "the-cities-that-sued-are-the-cities-named, near miss: more cities than it says": Case(
        (article("a", "Grants\n\nA judge on Tuesday ordered the Quillby Agency to pay Fresno, Calif., Bakersfield, Calif., Modesto, Calif., Merced, Calif., and Visalia, Calif.\n\nThe dispute began last year. The cities sued in November.\n"),),
        _lawsuit_is("2019-11"),
        GEO,
    ),
    "a-meeting-that-went-ahead-is-on-the-boycotts-day": Case(
        (article("a", "Ceremony\n\nCouncilwoman Ana Quillby declined to attend Monday's groundbreaking.\n\nThe ceremony, convened by the Quillby Agency, drew some 40 guests.\n"),),
        _only("Meeting", "2020-05-04", ("agent", "organization/quillby-agency")),
    ),
    "a-meeting-that-went-ahead-is-on-the-boycotts-day, near miss: a boycott long before": Case(
        (article("a", "Ceremony\n\nCouncilwoman Ana Quillby declined to attend the groundbreaking on April 2.\n\nThe ceremony, convened by the Quillby Agency, drew some 40 guests.\n"),),
        _only("Meeting", "2020-05-06", ("agent", "organization/quillby-agency")),
    ),
    "a-meeting-with-is-the-run-of-names-after-with": Case(
        (article("a", "Talks\n\nMayor Ana Quillby held a meeting with Gov. Orlen Vasquez-Tam on Tuesday over a recent Quillby Agency rule.\n"),),
        _only("Meeting", "2020-05-05", ("agent", "person/ana-quillby"), ("attendee", "person/orlen-vasquez-tam")),
    ),
    "a-meeting-with-is-the-run-of-names-after-with, near miss: two names in the run": Case(
        (article("a", "Talks\n\nMayor Ana Quillby held a meeting with Gov. Orlen Vasquez-Tam and the Quillby Agency on Tuesday.\n"),),
        _only("Meeting", "2020-05-05", ("agent", "person/ana-quillby"), ("attendee", "person/orlen-vasquez-tam"), ("attendee", "organization/quillby-agency")),
    ),
    "guests-including-and-among-them-attend": Case(
        (article("a", "Summit\n\nThe summit, convened by the Quillby Agency, opened on Tuesday with some 40 visitors, including Mayor Ana Quillby.\n"),),
        _only("Meeting", "2020-05-05", ("agent", "organization/quillby-agency"), ("attendee", "person/ana-quillby")),
    ),
    "guests-including-and-among-them-attend, among them": Case(
        (article("a", "Summit\n\nThe summit, convened by the Quillby Agency, opened on Tuesday with a few officials. Among them was Mayor Ana Quillby, who spoke.\n"),),
        _only("Meeting", "2020-05-05", ("agent", "organization/quillby-agency"), ("attendee", "person/ana-quillby")),
    ),
    "the-summit-that-went-ahead-is-the-one-held-not-the-one-planned": Case(
        (article("a", "Mayors skip summit\n\nGov. Orlen Vasquez-Tam opened his summit on Friday.\n\nThe summit was held anyway.\n\nGov. Orlen Vasquez-Tam plans another summit in January.\n"),),
        _count("Meeting", 2),
    ),
    "the-summit-that-went-ahead-is-the-one-held-not-the-one-planned, near miss: none planned": Case(
        (article("a", "Mayors skip summit\n\nGov. Orlen Vasquez-Tam opened his summit on Friday.\n\nThe summit was held anyway.\n"),),
        _only("Meeting", "2020-05-01", ("agent", "person/orlen-vasquez-tam")),
    ),
    "declined-invitations-to-x-is-a-meeting-x-holds": Case(
        (article("a", "Roads\n\nMayor Ana Quillby declined invitations to the Quillby Institute on Tuesday to talk about roads.\n"),),
        _both(
            _only("Meeting", "2020-05-05", ("agent", "organization/quillby-institute")),
            _only("Boycott", "2020-05-05", ("boycotter", "person/ana-quillby")),
        ),
    ),
    "declined-invitations-to-x-is-a-meeting-x-holds, near miss: invitations to no one named": Case(
        (article("a", "Roads\n\nMayor Ana Quillby sent invitations to reporters on Tuesday.\n"),),
        _count("Meeting", 0),
    ),
    "the-boycotters-before-a-later-did-not-attend": Case(
        (article("a", "Summit\n\nNobody knew how many mayors did not attend on Tuesday, but Mayor Ana Quillby and Mayor Orlen Vasquez-Tam did not attend.\n"),),
        _only("Boycott", "2020-05-05", ("boycotter", "person/ana-quillby"), ("boycotter", "person/orlen-vasquez-tam")),
    ),
    "the-boycotters-before-a-later-did-not-attend, near miss: named after the last one": Case(
        (article("a", "Summit\n\nNobody knew how many mayors did not attend on Tuesday, Mayor Ana Quillby said.\n"),),
        _only("Boycott", "2020-05-05"),
    ),
    "walking-out-is-another-boycott-than-staying-away": Case(
        (article("a", "Hearing\n\nDirector Ana Quillby did not attend the hearing on Tuesday.\n\nSen. Orlen Vasquez-Tam walked out of the hearing on Tuesday.\n"),),
        _count("Boycott", 2),
    ),
    "walking-out-is-another-boycott-than-staying-away, near miss: a walk-out by no one named": Case(
        (article("a", "Leaders walk out over the rule\n\nDirector Ana Quillby did not attend the hearing on Tuesday.\n"),),
        _only("Boycott", "2020-05-05", ("boycotter", "person/ana-quillby")),
    ),
    "the-governor-who-wrote-is-the-governor-named-before": Case(
        (article("a", "Mayor Quillby rejects governor’s demand\n\nMayor Ana Quillby today rejected the demand of Gov. Orlen Vasquez-Tam.\n\n“We will not budge,” said Mayor Quillby.\n\n“We will not be bullied,” she added.\n\nOn Tuesday, a spokeswoman for Vasquez-Tam, Rina Ostrowe, told reporters that the letter “is plain.” The Republican governor wrote on Twitter Tuesday evening: “The law is the law. Fresno can follow it.”\n\n“We are not going back,” said Mayor Quillby.\n"),),
        _only("Tweet", "2020-05-05", ("agent", "person/orlen-vasquez-tam")),
        GEO,
    ),
    "the-governor-who-wrote-is-the-governor-named-before, near miss: the mayor wrote": Case(
        (article("a", "Mayor Quillby rejects governor’s demand\n\nMayor Ana Quillby today rejected the demand of Gov. Orlen Vasquez-Tam.\n\n“We will not budge,” said Mayor Quillby.\n\nThe mayor wrote on Twitter Tuesday evening: “The law is wrong.”\n"),),
        _only("Tweet", "2020-05-05", ("agent", "person/ana-quillby")),
        GEO,
    ),
}  # fmt: skip


@pytest.mark.parametrize("rule", sorted(CASES))
def test_rule(rule: str) -> None:
    case = CASES[rule]
    curated = (
        load_turtle(PROJECT_ROOT / "graph" / case.curated, DEFAULT_BASE) if case.curated else None
    )
    case.holds(extract(*case.articles, curated=curated))


@pytest.mark.parametrize(
    ("words", "published", "expected"),
    [
        # a weekday ahead of a schedule is the coming one; one told as past, the one before
        ("The council called a special session for Tuesday.", dt.date(2016, 9, 11), ["2016-09-13"]),
        ("The vote will be held Tuesday.", dt.date(2016, 9, 11), ["2016-09-13"]),
        ("The council met on Tuesday.", dt.date(2016, 9, 11), ["2016-09-06"]),
        # a month and day with no year, half a year ahead: the one before the story
        ("He warned on Dec. 12 that the money would stop.", dt.date(2024, 1, 19), ["2023-12-12"]),
        ("The cities have until Feb. 2 to answer.", dt.date(2024, 1, 19), ["2024-02-02"]),
        # "in May" is the month; "may" alone the verb
        ("The mayor said in May that the rule would pass.", dt.date(2017, 6, 30), ["2017-05"]),
        ("The mayor may sign it, she said in June.", dt.date(2017, 6, 30), ["2017-06"]),
        # a future verb further back in the clause: the coming weekday; one told, the last
        ("The board will take up a plan backing the rule at its next meeting on Tuesday.", dt.date(2015, 10, 23), ["2015-10-27"]),
        ("The board will review what it was told at its last meeting on Tuesday.", dt.date(2015, 10, 23), ["2015-10-20"]),
        # "this week": the month its Monday is in
        ("She told the board this week that it would pass.", dt.date(2024, 1, 19), ["2024-01"]),
        ("She told the board this week that it would pass.", dt.date(2024, 3, 1), ["2024-02"]),
        # a bare month ahead of a plan is the coming one; one told as past, the one before
        ("The governor plans another summit in January.", dt.date(2017, 11, 13), ["2018-01"]),
        ("The governor held an earlier summit in January.", dt.date(2017, 11, 13), ["2017-01"]),
        # "In May" is the month; "May" at the head of a sentence or as a verb is none
        ("In May, the governor wrote to the city.", dt.date(2022, 7, 19), ["2022-05"]),
        ("May the city answer? The county may.", dt.date(2022, 7, 19), []),
        # "two weeks ago", "three days ago": that many days before the story's
        ("The agency threatened two weeks ago to cut the grant.", dt.date(2018, 2, 7), ["2018-01-24"]),
        ("The agency threatened two weeks later to cut the grant.", dt.date(2018, 2, 7), []),
    ],
)  # fmt: skip
def test_dates_ahead_and_behind(words: str, published: dt.date, expected: list[str]) -> None:
    assert resolve_dates(words, published) == expected


def test_ids_are_paths() -> None:
    assert ID.endswith("id/")
