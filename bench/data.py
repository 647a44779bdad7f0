"""The benchmark's dataset, bulk-loaded into a database that holds the seeded demo.

Real rows of the project's own models, on the demo's three modules: 5 SPOs, 1,000 employers,
20,000 learners, their enrolments, 100,000 lessons done, 40,000 quiz attempts and 15,000
certificates, each signed over its own snapshot (so that verification checks real
signatures). Employers are of realistic sizes (one of 2,000 learners, nine of 300, the rest
of 5 to 26); the first SPO is partnered with all 1,000 employers, the others with a few
hundred each.

Then what the load needs: sessions for the learners and staff it signs in as, open quiz
attempts (with their questions drawn) to submit, and a plain content page carrying a
lesson's content, at the lesson's depth.
"""

import datetime
import random
from dataclasses import dataclass, field

SPOS = 5
EMPLOYERS = 1000
LEARNERS = 20_000
LESSONS_DONE = 100_000
QUIZ_ATTEMPTS = 40_000
CERTIFICATES = 15_000
COMPLETED = 16_000  # completed enrolments: 15,000 with a certificate, 1,000 to issue
IN_PROGRESS = 12_000
BATCH = 5000
PASSWORD = "bench-password-not-secret"
PROVINCES = ["NS"] * 5 + ["NB"] * 3 + ["PE", "NL"]
FIRST_NAMES = ["Ana", "Ben", "Chloé", "Dev", "Émile", "Fatima", "Gaëlle", "Hugo", "Ikram", "Jon"]


@dataclass
class Dataset:
    counts: dict = field(default_factory=dict)
    spo_id: int = 0
    spo_staff_id: int = 0
    certificate_codes: list = field(default_factory=list)
    uncertified_enrolment_ids: list = field(default_factory=list)
    reader_ids: list = field(default_factory=list)  # learners in progress, for lesson pages


def distribute(total: int, count: int, low: int, high: int, rng: random.Random) -> list[int]:
    """``count`` integers in [low, high] that add up to ``total``."""
    if not low * count <= total <= high * count:
        raise ValueError(f"cannot split {total} into {count} parts of {low} to {high}")
    parts = [rng.randint(low, high) for _ in range(count)]
    index = 0
    while (difference := total - sum(parts)) != 0:
        step = 1 if difference > 0 else -1
        if low <= parts[index] + step <= high:
            parts[index] += step
        index = (index + 1) % count
    return parts


def employer_sizes(rng: random.Random) -> list[int]:
    """Learners per employer: one of 2,000, nine of 300, and 990 small ones (5 to 26)."""
    sizes = [2000] + [300] * 9
    return sizes + distribute(LEARNERS - sum(sizes), EMPLOYERS - len(sizes), 5, 26, rng)


def build(rng: random.Random, say) -> Dataset:
    """Bulk-create the dataset; returns what the measurements need to find in it."""
    from django.contrib.auth.hashers import make_password
    from django.db import connection, transaction
    from django.utils import timezone

    from courses.models import LessonPage, ModulePage, QuizPage
    from learning.models import (
        Enrolment,
        LessonProgress,
        Membership,
        Organization,
        Partnership,
        User,
    )

    data = Dataset()
    now = timezone.now()
    today = timezone.localdate()
    modules = list(ModulePage.objects.filter(locale__language_code="en").order_by("path"))
    lessons = {m.pk: list(LessonPage.objects.child_of(m).live().order_by("path")) for m in modules}
    quizzes = {m.pk: QuizPage.objects.child_of(m).live().get() for m in modules}
    password = make_password(PASSWORD)

    with transaction.atomic():
        spos = Organization.objects.bulk_create(
            Organization(
                kind="spo",
                legal_name=f"Bench Settlement Services {index + 1}",
                province=PROVINCES[index],
                community="Halifax",
            )
            for index in range(SPOS)
        )
        staff = User.objects.bulk_create(
            User(email=f"staff{index}@spo.bench.example.com", first_name="Sam",
                 last_name=f"Staff{index}", password=password)
            for index in range(SPOS * 2)
        )  # fmt: skip
        Membership.objects.bulk_create(
            Membership(
                user=user, organization=spos[index // 2],
                role="spo_manager" if index % 2 == 0 else "spo_staff",
            )
            for index, user in enumerate(staff)
        )  # fmt: skip
        employers = Organization.objects.bulk_create(
            Organization(
                kind="employer",
                legal_name=f"Bench Employer {index:04d} Ltd.",
                province=rng.choice(PROVINCES),
                community="Truro",
            )
            for index in range(EMPLOYERS)
        )
        partnerships = [
            Partnership(spo=spos[0], employer=employer, status="active", activated_at=now)
            for employer in employers
        ]
        for spo in spos[1:]:
            for employer in rng.sample(employers, rng.randint(150, 300)):
                ended = rng.random() < 0.1
                partnerships.append(
                    Partnership(
                        spo=spo,
                        employer=employer,
                        status="ended" if ended else "active",
                        activated_at=now,
                        ended_at=now if ended else None,
                    )
                )
        Partnership.objects.bulk_create(partnerships, batch_size=BATCH)
        sizes = employer_sizes(rng)
        owners = [employers[i] for i, size in enumerate(sizes) for _ in range(size)]
        users = User.objects.bulk_create(
            (
                User(
                    email=f"learner{index}@bench.example.com",
                    first_name=rng.choice(FIRST_NAMES),
                    last_name=f"Learner{index:05d}",
                    preferred_language="fr" if index % 4 == 0 else "en",
                    password=password,
                )
                for index in range(LEARNERS)
            ),
            batch_size=BATCH,
        )
        Membership.objects.bulk_create(
            (
                Membership(
                    user=user,
                    organization=owner,
                    role="employer_admin" if index % 20 == 0 else "employer_learner",
                )
                for index, (user, owner) in enumerate(zip(users, owners, strict=True))
            ),
            batch_size=BATCH,
        )
        say(f"  organizations, {len(users)} learners and memberships")

        # Enrolments: each learner in one to three modules; exactly COMPLETED of them
        # completed and IN_PROGRESS in progress, the others not started.
        enrolments = []
        for user in users:
            for module in rng.sample(modules, rng.choice([1, 2, 2, 3])):
                assigned = rng.random() < 0.8
                enrolments.append(
                    Enrolment(
                        user=user,
                        module=module,
                        source="assignment" if assigned else "self",
                        due_on=today + datetime.timedelta(days=rng.randint(-60, 90))
                        if assigned
                        else None,
                        created_at=now - datetime.timedelta(days=rng.randint(30, 700)),
                    )
                )
        order = list(range(len(enrolments)))
        rng.shuffle(order)
        completed = set(order[:COMPLETED])
        in_progress = set(order[COMPLETED : COMPLETED + IN_PROGRESS])
        for index, enrolment in enumerate(enrolments):
            if index in completed or index in in_progress:
                enrolment.started_at = enrolment.created_at + datetime.timedelta(days=1)
            if index in completed:
                enrolment.completed_at = min(
                    now - datetime.timedelta(hours=1),
                    enrolment.started_at + datetime.timedelta(days=rng.randint(1, 25)),
                )
                enrolment.completed_version = 1
        enrolments = Enrolment.objects.bulk_create(enrolments, batch_size=BATCH)
        say(f"  {len(enrolments)} enrolments")

        # Lessons done: every lesson of a completed module, some of one in progress.
        done_per_module = len(next(iter(lessons.values())))
        remaining = LESSONS_DONE - COMPLETED * done_per_module
        counts = iter(distribute(remaining, IN_PROGRESS, 1, done_per_module - 1, rng))
        progress = []
        for index, enrolment in enumerate(enrolments):
            if index in completed:
                count = done_per_module
            elif index in in_progress:
                count = next(counts)
            else:
                continue
            for number, lesson in enumerate(lessons[enrolment.module_id][:count]):
                progress.append(
                    LessonProgress(
                        enrolment=enrolment,
                        lesson=lesson,
                        completed_at=enrolment.started_at + datetime.timedelta(hours=number),
                    )
                )
        LessonProgress.objects.bulk_create(progress, batch_size=BATCH)
        say(f"  {len(progress)} lessons done")

        _attempts(enrolments, completed, in_progress, quizzes, rng)
        say(f"  {QUIZ_ATTEMPTS} quiz attempts")

        completed_enrolments = [enrolments[i] for i in sorted(completed)]
        rng.shuffle(completed_enrolments)
        certified, rest = completed_enrolments[:CERTIFICATES], completed_enrolments[CERTIFICATES:]
        owner_of = {user.pk: owner for user, owner in zip(users, owners, strict=True)}
        data.certificate_codes = _certificates(certified, owner_of, rng)
        data.uncertified_enrolment_ids = [enrolment.pk for enrolment in rest]
        say(f"  {CERTIFICATES} signed certificates")

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    data.spo_id = spos[0].pk
    data.spo_staff_id = staff[1].pk  # spo_staff of the first SPO
    data.reader_ids = sorted(
        {enrolments[i].user_id for i in in_progress if enrolments[i].module_id == modules[0].pk}
    )
    data.counts = table_counts()
    return data


def _attempts(enrolments, completed, in_progress, quizzes, rng) -> None:
    """QUIZ_ATTEMPTS submitted final attempts: a pass for every completed enrolment, after
    failed tries for some; failed tries for some enrolments in progress."""
    from learning.models import QuizAttempt

    failed = QUIZ_ATTEMPTS - len(completed)
    candidates = sorted(completed | in_progress)
    tries = distribute(failed, len(candidates), 0, 3, rng)
    attempts = []
    for index, count in zip(candidates, tries, strict=True):
        enrolment = enrolments[index]
        moment = enrolment.started_at + datetime.timedelta(hours=6)
        outcomes = [False] * count + ([True] if index in completed else [])
        for number, passed in enumerate(outcomes, start=1):
            score = rng.randint(80, 100) if passed else rng.randint(30, 79)
            submitted = enrolment.completed_at if passed else moment
            attempts.append(
                QuizAttempt(
                    enrolment=enrolment,
                    quiz=quizzes[enrolment.module_id],
                    kind="final",
                    number=number,
                    status="submitted",
                    language="en",
                    started_at=submitted - datetime.timedelta(minutes=15),
                    submitted_at=submitted,
                    pass_mark=80,
                    max_points=12,
                    points=score * 12 / 100,
                    score=score,
                    passed=passed,
                )
            )
    QuizAttempt.objects.bulk_create(attempts, batch_size=BATCH)
    assert len(attempts) == QUIZ_ATTEMPTS, len(attempts)


def _certificates(enrolments, owner_of, rng) -> list[str]:
    """A certificate per enrolment, as ``certificates.services`` issues it (frozen snapshot,
    signature, status position, audit event), without the PDF. Two in a hundred revoked."""
    from django.conf import settings
    from django.db import connection

    from certificates import services, signing
    from certificates.codes import code_generate
    from certificates.models import AuditEvent, Certificate
    from certificates.presentation import format_time, parse_time
    from courses.models import ModulePage

    titles = {}
    for module in ModulePage.objects.filter(locale__language_code="en"):
        french = module.get_translations().filter(locale__language_code="fr").first()
        titles[module.pk] = (module.title, french.title if french else module.title)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(%s) FROM generate_series(1, %s)",
            [services.STATUS_INDEX_SEQUENCE, len(enrolments)],
        )
        positions = [row[0] for row in cursor.fetchall()]
    kid = signing.signing_key().kid
    certificates, codes = [], []
    for enrolment, position in zip(enrolments, positions, strict=True):
        code = code_generate()
        issued_at = (enrolment.completed_at + datetime.timedelta(seconds=20)).replace(microsecond=0)
        employer = owner_of[enrolment.user_id]
        holder = enrolment.user
        language = holder.preferred_language
        snapshot = {
            "type": "module",
            "code": code,
            "holder_name": holder.get_full_name(),
            "employer_legal_name": employer.legal_name,
            "employer_province": employer.province,
            "title_en": titles[enrolment.module_id][0],
            "title_fr": titles[enrolment.module_id][1],
            "version": 1,
            "completed_at": format_time(enrolment.completed_at),
            "score": f"{rng.randint(80, 100)}.00",
            "issued_at": format_time(issued_at),
            "expires_at": format_time(services.expiry_for(issued_at, 24)),
            "language": language,
            "issuer": settings.SITE_URL,
        }
        revoked = rng.random() < 0.02
        certificates.append(
            Certificate(
                code=code,
                kind="module",
                completion_key=services.completion_key_for(enrolment),
                holder=holder,
                enrolment=enrolment,
                employer=employer,
                module_id=enrolment.module_id,
                snapshot=snapshot,
                jws=signing.sign(snapshot),
                kid=kid,
                language=language,
                issued_at=parse_time(snapshot["issued_at"]),
                expires_at=parse_time(snapshot["expires_at"]),
                status_index=position,
                revoked_at=issued_at + datetime.timedelta(days=30) if revoked else None,
                revocation_reason="issued_in_error" if revoked else "",
            )
        )
        codes.append(code)
    Certificate.objects.bulk_create(certificates, batch_size=BATCH)
    AuditEvent.objects.bulk_create(
        (AuditEvent(action="issued", certificate=c, created_at=c.issued_at) for c in certificates),
        batch_size=BATCH,
    )
    return codes


def table_counts() -> dict[str, int]:
    from certificates.models import Certificate
    from courses.models import ModulePage
    from learning.models import (
        Enrolment,
        LessonProgress,
        Organization,
        Partnership,
        QuizAttempt,
        User,
    )

    return {
        "SPOs": Organization.objects.filter(kind="spo").count(),
        "employers": Organization.objects.filter(kind="employer").count(),
        "partnerships": Partnership.objects.count(),
        "learners (accounts)": User.objects.count(),
        "modules (English, each with its French translation)": ModulePage.objects.filter(
            locale__language_code="en"
        ).count(),
        "enrolments": Enrolment.objects.count(),
        "lesson-progress rows": LessonProgress.objects.count(),
        "quiz attempts": QuizAttempt.objects.count(),
        "certificates": Certificate.objects.count(),
    }


# -- What the load needs --------------------------------------------------------------------


def sessions(user_ids: list[int]) -> dict[int, str]:
    """A signed-in session for each user, as ``login()`` leaves it; returns session keys."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, load_backend
    from django.contrib.sessions.backends.db import SessionStore
    from django.contrib.sessions.models import Session
    from django.utils import timezone
    from django.utils.crypto import get_random_string

    from learning.models import User

    backend = next(
        path for path in settings.AUTHENTICATION_BACKENDS if hasattr(load_backend(path), "get_user")
    )
    expiry = timezone.now() + datetime.timedelta(seconds=settings.SESSION_COOKIE_AGE)
    store = SessionStore()
    keys, rows = {}, []
    for user in User.objects.filter(pk__in=user_ids):
        key = get_random_string(32, "abcdefghijklmnopqrstuvwxyz0123456789")
        data = {
            SESSION_KEY: str(user.pk),
            BACKEND_SESSION_KEY: backend,
            HASH_SESSION_KEY: user.get_session_auth_hash(),
        }
        rows.append(Session(session_key=key, session_data=store.encode(data), expire_date=expiry))
        keys[user.pk] = key
    Session.objects.bulk_create(rows, batch_size=BATCH)
    return keys


def open_attempts(count: int, rng: random.Random, *, right_share: float = 0.7) -> list[dict]:
    """Open final attempts, drawn as ``attempt_start`` draws them, for ``count`` enrolments in
    progress that have none; each with the form data that answers it (right for
    ``right_share`` of them, else wrong). Returns [{attempt, user, data}]."""
    from django.db import transaction
    from django.db.models import Count, Q
    from django.utils import timezone

    from courses.models import QuizPage
    from courses.selectors import quiz_questions
    from learning.models import AttemptQuestion, Enrolment, QuizAttempt
    from learning.services import field_name

    quizzes = {}
    for quiz in QuizPage.objects.filter(locale__language_code="en"):
        quizzes[quiz.path[: -QuizPage.steplen]] = (quiz, quiz_questions(quiz=quiz))
    candidates = list(
        Enrolment.objects.filter(completed_at__isnull=True, started_at__isnull=False)
        .annotate(
            tries=Count("attempts"),
            open=Count("attempts", filter=Q(attempts__status="in_progress")),
        )
        .filter(open=0)
        .select_related("module")
        .order_by("pk")
    )  # fmt: skip
    chosen = rng.sample(candidates, count)
    now = timezone.now()
    attempts, items, answers = [], [], []
    for enrolment in chosen:
        quiz, questions = quizzes[enrolment.module.path]
        drawn = list(questions)
        rng.shuffle(drawn)
        attempt = QuizAttempt(
            enrolment=enrolment,
            quiz=quiz,
            kind="final",
            number=enrolment.tries + 1,
            language="en",
            started_at=now,
            pass_mark=quiz.effective_pass_mark,
            max_points=sum(q.points for q in drawn),
        )
        right = rng.random() < right_share
        form = {}
        rows = []
        for position, question in enumerate(drawn, start=1):
            item = AttemptQuestion(
                question=question,
                position=position,
                layout=question.new_layout(rng, shuffle=quiz.shuffle_choices),
            )
            response = question.model_answer() if right else question.wrong_answer()
            form.update(
                question.form_data(response or question.model_answer(), name=field_name(item))
            )
            rows.append(item)
        attempts.append(attempt)
        items.append(rows)
        answers.append((enrolment.user_id, form))
    with transaction.atomic():
        attempts = QuizAttempt.objects.bulk_create(attempts, batch_size=BATCH)
        for attempt, rows in zip(attempts, items, strict=True):
            for item in rows:
                item.attempt = attempt
        AttemptQuestion.objects.bulk_create(
            [item for rows in items for item in rows], batch_size=BATCH
        )
    return [
        {"attempt": attempt.pk, "user": user_id, "data": form}
        for attempt, (user_id, form) in zip(attempts, answers, strict=True)
    ]


def plain_page(lesson) -> "object":
    """A content page at the lesson's depth (below "About"), carrying the lesson's content:
    its blocks where content pages have the same ones, the others as rich text rendered from
    them. Published; returns it."""
    from wagtail.rich_text import RichText

    from cms.models import ContentPage

    about = ContentPage.objects.get(slug="about", locale__language_code="en")
    section = about.add_child(
        instance=ContentPage(title="Bench section", slug="bench-section", locale=about.locale)
    )
    section.save_revision().publish()
    allowed = set(ContentPage.body.field.stream_block.child_blocks)
    body = []
    for block in lesson.body:
        if block.block_type in allowed:
            body.append((block.block_type, block.value))
        else:
            body.append(("paragraph", RichText(str(block.render()))))
    page = section.add_child(
        instance=ContentPage(
            title=lesson.title,
            slug="bench-plain-lesson",
            intro=lesson.summary,
            body=body,
            locale=about.locale,
        )
    )
    page.save_revision().publish()
    return page
