import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from python_calamine import CalamineWorkbook

from gonghui.core.models import AuditLog
from gonghui.demo.fake import Faker
from gonghui.members.models import Membership
from gonghui.rosters.models import ImportJob
from gonghui.rosters.tests.files import member_row, write_xlsx

pytestmark = pytest.mark.django_db
PASSWORD = "Test-password-2025"


@pytest.fixture
def media(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"


def signed_in(client, user):
    client.force_login(user)
    return client


def upload(client, tmp_path, rows, union):
    path = write_xlsx(tmp_path / "名册.xlsx", rows)
    data = SimpleUploadedFile("名册.xlsx", path.read_bytes())
    return client.post(reverse("rosters:import"), {"union": union.pk, "file": data})


def test_upload_check_confirm_and_report(client, tmp_path, media, admin_a, union_a, enterprise_a):
    faker = Faker(seed=3)
    rows = [member_row(faker, enterprise_a.name) for _ in range(3)] + [member_row(faker, "无名公司")]
    response = upload(signed_in(client, admin_a), tmp_path, rows, union_a)
    job = ImportJob.objects.get()
    assert response.status_code == 302 and response.url == reverse("rosters:job", args=[job.pk])
    assert job.status == ImportJob.Status.CHECKED and not Membership.objects.exists()
    page = client.get(response.url)
    assert page.status_code == 200
    assert "第5行" not in page.text and "“无名公司”不是本工会覆盖的企业" in page.text
    assert "确认导入（新增 3 人）" in page.text

    report = client.get(reverse("rosters:report", args=[job.pk]))
    sheet = CalamineWorkbook.from_filelike(_bytes_io(report)).get_sheet_by_index(0).to_python()
    assert len(sheet) == 2 and sheet[1][0] == "5"

    client.post(reverse("rosters:confirm", args=[job.pk]))
    job.refresh_from_db()
    assert job.status == ImportJob.Status.DONE and job.summary["created"] == 3
    assert Membership.objects.filter(union=union_a).count() == 3
    # a second confirmation is refused, nothing doubles
    client.post(reverse("rosters:confirm", args=[job.pk]))
    assert Membership.objects.count() == 3


def _bytes_io(response):
    import io

    return io.BytesIO(b"".join(response.streaming_content))


def test_a_hostile_file_fails_with_a_message(client, tmp_path, media, admin_a, union_a):
    data = SimpleUploadedFile("evil.xlsx", b"PK\x03\x04garbage")
    response = signed_in(client, admin_a).post(reverse("rosters:import"), {"union": union_a.pk, "file": data})
    job = ImportJob.objects.get()
    assert job.status == ImportJob.Status.FAILED and "损坏" in job.message
    assert "损坏" in client.get(response.url).text


def test_outsiders_get_404_on_every_job_url(
    client, tmp_path, media, admin_a, admin_b, worker, union_a, enterprise_a
):
    upload(signed_in(client, admin_a), tmp_path, [member_row(Faker(seed=4), enterprise_a.name)], union_a)
    job = ImportJob.objects.get()
    for user in (admin_b, worker):
        signed_in(client, user)
        for name in ("rosters:job", "rosters:report"):
            assert client.get(reverse(name, args=[job.pk])).status_code == 404
        assert client.post(reverse("rosters:confirm", args=[job.pk])).status_code == 404
        assert client.get(reverse("rosters:export") + "?org=UA").status_code == 404
        assert client.get(reverse("rosters:template") + "?union=UA").status_code == 404
    assert client.get(reverse("rosters:import")).status_code == 404  # the worker manages no union
    signed_in(client, admin_b)
    response = upload(client, tmp_path, [member_row(Faker(seed=4), enterprise_a.name)], union_a)
    assert response.status_code == 200 and ImportJob.objects.count() == 1  # union A is not a choice


def test_export_button_downloads_the_scope_and_audits(
    client, admin_a, union_a, member_a, member_b, django_assert_max_num_queries
):
    signed_in(client, admin_a)
    # 1 session, 2 user, 3 the organisation in the view's scope, 4 again in the service's (it checks
    # scope itself), 5 the memberships (one query for any number), 6 the count of full ID numbers
    # (more need a fresh second factor), 7-10 the audit row (the chain head and the row), 11-13 the
    # session's idle-timeout stamp
    with django_assert_max_num_queries(13):
        response = client.get(reverse("rosters:export") + "?org=UA")
    rows = CalamineWorkbook.from_filelike(_bytes_io(response)).get_sheet_by_index(0).to_python()
    assert [r[0] for r in rows[1:]] == ["张三"]
    assert AuditLog.objects.filter(action="roster.export", actor=admin_a).exists()
    assert client.get(reverse("rosters:export") + "?org=UB").status_code == 404


def test_template_download_lists_the_unions_enterprises(client, admin_a, union_a, enterprise_a):
    response = signed_in(client, admin_a).get(reverse("rosters:template") + "?union=UA")
    book = CalamineWorkbook.from_filelike(_bytes_io(response))
    notes = book.get_sheet_by_name("填写说明").to_python()
    assert any(enterprise_a.credit_code in str(row[1]) for row in notes)


def test_the_member_list_and_union_page_link_to_rosters(client, admin_a, union_a):
    signed_in(client, admin_a)
    assert reverse("rosters:export") in client.get(reverse("members:list")).text
    page = client.get(reverse("orgs:organisation_detail", args=["UA"])).text
    assert reverse("rosters:template") in page and reverse("rosters:import") in page


def test_a_big_file_runs_in_the_background(
    client, tmp_path, media, admin_a, union_a, enterprise_a, monkeypatch, django_capture_on_commit_callbacks
):
    from gonghui.rosters import tasks
    from gonghui.rosters.services import jobs

    monkeypatch.setattr(jobs, "INLINE_BYTES", 0)
    enqueued = []
    monkeypatch.setattr(tasks, "roster_job_enqueue", lambda pk: enqueued.append(pk) or "t1")
    with django_capture_on_commit_callbacks(execute=True):
        upload(signed_in(client, admin_a), tmp_path, [member_row(Faker(seed=8), enterprise_a.name)], union_a)
    job = ImportJob.objects.get()
    assert enqueued == [job.pk] and job.status == ImportJob.Status.QUEUED_CHECK and job.task_id == "t1"
    page = client.get(reverse("rosters:job", args=[job.pk]), headers={"HX-Request": "true"})
    assert 'hx-trigger="every 1s"' in page.text and "<progress" in page.text
    assert json.dumps(job.summary) == "{}"


def test_the_import_page_speaks_english_on_request(client, admin_a, union_a):
    page = signed_in(client, admin_a).get(reverse("rosters:import"), headers={"Accept-Language": "en"})
    assert "Import a member roster" in page.text and "Upload and check" in page.text
