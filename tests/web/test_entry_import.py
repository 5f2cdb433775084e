"""Upload with a preview: nothing is written before Confirm, and Confirm checks again."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from openpyxl import Workbook

from fourfold.accounts.models import Role
from fourfold.audit.models import AuditEntry
from fourfold.intake.models import ApprovalRule, ImportMapping
from fourfold.measures.models import KPI, Measurement, Source, Target

from . import cards
from .entry_helpers import contributor_of, owner_of, person, text_of, with_role

pytestmark = pytest.mark.django_db


def csv_upload(text: str, name: str = "values.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode(), content_type="text/csv")


@pytest.fixture
def eddie(client: Client) -> Client:
    cards.load_small()
    client.force_login(with_role(Role.Kind.EDITOR, "acme", "eddie"))
    return client


def token(client: Client) -> str:
    return str(client.session["fourfold.import"]["token"])


def test_it_previews_what_will_be_created_and_changed_and_writes_nothing(eddie: Client) -> None:
    upload = csv_upload("kpi,period,actual\nrevenue,2026-02,650\nrevenue,2026-03,700\n")
    response = eddie.post("/import/", {"file": upload})
    assert response.status_code == 200
    text = text_of(response.content)
    assert "1 to create 1 to change 0 unchanged" in text
    assert "Revenue revenue 2026-02 actual changes 600 650" in text
    assert "Revenue revenue 2026-03 new actual — 700" in text
    assert not Measurement.objects.filter(period="2026-03").exists()
    assert Measurement.objects.get(kpi__code="revenue", period="2026-02").value == 600


def test_confirm_writes_the_file_atomically_and_audits_it(eddie: Client) -> None:
    eddie.post("/import/", {"file": csv_upload("kpi,period,actual\nrevenue,2026-03,700\n")})
    response = eddie.post("/import/confirm/", {"token": token(eddie)})
    assert response.status_code == 302 and response["Location"] == "/import/"
    value = Measurement.objects.get(kpi__code="revenue", period="2026-03")
    assert value.source == Source.FILE and value.entered_by is not None
    assert AuditEntry.objects.filter(
        action="values.written", detail__channel="upload", actor__username="eddie"
    ).exists()
    assert "Imported values.csv: 1 values created" in text_of(eddie.get("/import/").content)
    assert "fourfold.import" not in eddie.session


def test_cancel_discards_the_upload(eddie: Client) -> None:
    eddie.post("/import/", {"file": csv_upload("kpi,period,actual\nrevenue,2026-03,700\n")})
    stale = token(eddie)
    assert eddie.post("/import/cancel/").status_code == 302
    assert eddie.post("/import/confirm/", {"token": stale}).status_code == 404
    assert not Measurement.objects.filter(period="2026-03").exists()


def test_a_wrong_token_confirms_nothing(eddie: Client) -> None:
    eddie.post("/import/", {"file": csv_upload("kpi,period,actual\nrevenue,2026-03,700\n")})
    assert eddie.post("/import/confirm/", {"token": "forged"}).status_code == 404
    assert not Measurement.objects.filter(period="2026-03").exists()


def test_it_lists_refused_rows_with_their_numbers_and_offers_no_confirm(eddie: Client) -> None:
    upload = csv_upload("kpi,period,actual\nrevenue,2026-03,700\nprofit,2026-03,1\nrevenue,x,1\n")
    text = text_of(eddie.post("/import/", {"file": upload}).content)
    assert "2 rows cannot be imported" in text
    assert "Row 3 There is no KPI 'profit'" in text and "Row 4 " in text
    assert "Confirm and write" not in text


def test_a_contributor_may_only_import_their_own_kpis(client: Client) -> None:
    cards.load_small()
    client.force_login(contributor_of("revenue"))
    upload = csv_upload(
        "kpi,period,actual,target\nrevenue,2026-03,700,\ncomplaints,2026-03,1,\n"
        "revenue,2026-04,1,900\n"
    )
    text = text_of(client.post("/import/", {"file": upload}).content)
    assert "Row 3 You may not enter values of KPI complaints" in text
    assert "Row 4 Only an editor of its scorecard may set the targets of KPI revenue" in text


def test_confirm_checks_the_file_again(eddie: Client) -> None:
    eddie.post("/import/", {"file": csv_upload("kpi,period,actual\nrevenue,2026-03,700\n")})
    KPI.objects.filter(code="revenue").update(archived=True)
    response = eddie.post("/import/confirm/", {"token": token(eddie)})
    assert response.status_code == 400
    assert "There is no KPI 'revenue'" in text_of(response.content)
    assert not Measurement.objects.filter(period="2026-03").exists()


def test_it_asks_how_to_map_unknown_headers_and_remembers_it_for_the_source(
    eddie: Client,
) -> None:
    upload = csv_upload("Measure,Month,Value\nrevenue,2026-03,700\n", "erp.csv")
    text = text_of(eddie.post("/import/", {"file": upload, "source": "erp-export"}).content)
    assert "column 'Measure' is not known" in text and "Column “Month”" in text
    mapped = eddie.post(
        "/import/map/",
        {
            "token": token(eddie),
            "map:Measure": "kpi",
            "map:Month": "period",
            "map:Value": "actual",
        },
    )
    assert "1 to create" in text_of(mapped.content)
    eddie.post("/import/confirm/", {"token": token(eddie)})
    assert ImportMapping.objects.get(source="erp-export").columns == {
        "measure": "kpi",
        "month": "period",
        "value": "actual",
    }
    again = csv_upload("Measure,Month,Value\nrevenue,2026-04,710\n", "erp2.csv")
    text = text_of(eddie.post("/import/", {"file": again, "source": "erp-export"}).content)
    assert "1 to create" in text


def test_it_previews_a_wide_workbook(eddie: Client) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["kpi", "2026-02", "2026-03"])
    sheet.append(["revenue", 600, 640])
    data = io.BytesIO()
    book.save(data)
    upload = SimpleUploadedFile("wide.xlsx", data.getvalue())
    text = text_of(eddie.post("/import/", {"file": upload}).content)
    assert "1 to create 0 to change 1 unchanged" in text


def test_it_refuses_a_file_of_another_kind(eddie: Client) -> None:
    response = eddie.post("/import/", {"file": csv_upload("x", "notes.pdf")})
    assert response.status_code == 400
    assert "Choose a .csv or .xlsx file." in text_of(response.content)


def test_it_says_when_a_file_cannot_be_read(eddie: Client) -> None:
    text = text_of(eddie.post("/import/", {"file": csv_upload("junk", "bad.xlsx")}).content)
    assert "The file cannot be read: bad.xlsx is not a readable XLSX workbook" in text


def test_an_import_by_a_contributor_waits_for_approval_where_required(client: Client) -> None:
    cards.load_small()
    olga = owner_of("revenue")
    ApprovalRule.objects.create(kpi=KPI.objects.get(code="revenue"), set_by=olga)
    client.force_login(contributor_of("revenue"))
    client.post("/import/", {"file": csv_upload("kpi,period,actual\nrevenue,2026-03,700\n")})
    client.post("/import/confirm/", {"token": token(client)})
    assert not Measurement.objects.filter(period="2026-03").exists()
    assert "1 values wait for their owner's approval" in text_of(client.get("/import/").content)


def test_an_owner_may_import_values_but_not_targets(client: Client) -> None:
    """Targets belong to the scorecard's design: its editors set them, on every channel."""
    cards.load_small()
    client.force_login(owner_of("revenue"))
    upload = csv_upload("kpi,period,actual,target,red_flag\nrevenue,2026-04,,900,800\n")
    text = text_of(client.post("/import/", {"file": upload}).content)
    assert "Row 2 Only an editor of its scorecard may set the targets of KPI revenue" in text
    assert not Target.objects.filter(kpi__code="revenue", period="2026-04").exists()
    upload = csv_upload("kpi,period,actual\nrevenue,2026-04,950\n")
    assert "1 to create" in text_of(client.post("/import/", {"file": upload}).content)
    client.post("/import/confirm/", {"token": token(client)})
    assert Measurement.objects.get(kpi__code="revenue", period="2026-04").value == 950


def test_an_outsider_imports_nothing(client: Client) -> None:
    cards.load_small()
    client.force_login(person("otto"))
    upload = csv_upload("kpi,period,actual\nrevenue,2026-03,700\n")
    text = text_of(client.post("/import/", {"file": upload}).content)
    assert "There is no KPI 'revenue'" in text
