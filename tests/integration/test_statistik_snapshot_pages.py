"""Figures read back from the database render exactly what the counted figures rendered.

One worker counts (no snapshot yet) and serves the figures it holds in memory; the data then
changes, so a count would give other numbers; a second worker serves the stored snapshot. Every
page, in both languages, and every open-data file must be the same, read as parsed HTML, JSON
and CSV rows.
"""

from __future__ import annotations

import csv
import io

import pytest

from portal.extensions import db
from portal.statistics.export import DOWNLOADS
from portal.statistics.routes.figures import CACHE
from portal.statistics.services import snapshot as stats_snapshot
from tests.factories import add_people
from tests.helpers import parse
from tests.helpers.statistics import build_dataset, file_assistance_requests, roster_person

PAGES = ["/statistik", "/statistik?lang=en"]
FILES = ["/statistik/data.json", "/statistik/data.json?lang=en", *(f"/statistik/{name}.csv" for name in DOWNLOADS)]


@pytest.fixture
def app_config(unconsumed_queue_url):
    return {
        "PROGRAM_QUOTA": 40,
        "PROGRAM_BUDGET": 10_000_000,
        "PROGRAM_BUDGET_YEAR": 2026,
        "STATS_CACHE_SECONDS": 60,
        "TASK_QUEUE_URL": unconsumed_queue_url,
    }


def _published(client) -> dict:
    seen = {}
    for url in PAGES + FILES:
        response = client.get(url)
        if response.status_code != 200:
            seen[url] = response.status_code  # the monthly table of a program without complaints
        elif url in PAGES:
            seen[url] = parse(response).prettify()
        elif ".json" in url:
            seen[url] = (response.get_json(), response.last_modified)
        else:
            seen[url] = (list(csv.reader(io.StringIO(response.get_data(as_text=True)))), response.last_modified)
    return seen


def _known_answers() -> None:
    build_dataset()
    file_assistance_requests(21, days_ago=40, contacted_after_days=1)  # assistance: a published percentage too
    file_assistance_requests(4, days_ago=40)


@pytest.mark.parametrize("dataset", [_known_answers, lambda: None], ids=["known-answers", "empty"])
def test_stored_figures_render_the_same_pages_and_files(new_worker, queued, dataset):
    dataset()
    counting = new_worker()
    counted = _published(counting)  # counted inline (no snapshot), served from memory
    in_memory = counting.application.extensions[CACHE].get()
    assert stats_snapshot.load(session=db.session) == in_memory  # the whole round trip, field by field
    add_people([roster_person("32.75.07.1001", "P") for _ in range(9)])
    assert _published(new_worker(STATS_CACHE_SECONDS=0)) != counted  # a count now gives other figures
    assert _published(new_worker()) == counted
    assert queued.names() == []
