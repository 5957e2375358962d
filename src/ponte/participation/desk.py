"""The Europe Direct desk: public questions become tickets (numbered ED-<year>-<n> per city and
acknowledged by mail); answers are mailed over SMTP; an answered question reaches the public FAQ
only as a text the desk rewrote without the citizen's name or address, and can be withdrawn;
response times are measured per month."""

import datetime
import re
from collections import defaultdict

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ponte.core import review
from ponte.core.mail import mailer
from ponte.core.models import ReviewState
from ponte.core.services import acting_as

from .models import Question

Status = Question.Status
TICKET_PREFIX = "ED"


def next_ticket(city, year: int) -> str:
    """The next free number of the year in this city: ED-2026-0042."""
    prefix = f"{TICKET_PREFIX}-{year}-"
    numbers = Question.objects.for_city(city).filter(ticket__startswith=prefix).values_list("ticket", flat=True)
    last = max(
        (int(ticket.removeprefix(prefix)) for ticket in numbers if ticket.removeprefix(prefix).isdigit()), default=0
    )
    return f"{prefix}{last + 1:04d}"


def _acknowledge(question: Question) -> None:
    """The acknowledgement; with the relay down the question stands (its ticket is on the page)."""
    with mailer(relay_may_be_down=True) as mail:
        mail.send(
            to=question.email,
            template="participation/email/desk_received",
            context={"question": question, "city": question.city},
        )


def ask(*, city, name, email, subject, text) -> Question:
    """Record the question with its ticket number and mail the citizen an acknowledgement."""
    year = timezone.localdate().year
    for _attempt in range(5):  # two questions arriving together may pick the same number
        try:
            with transaction.atomic():
                question = Question.objects.create(
                    city=city,
                    ticket=next_ticket(city, year),
                    name=name.strip(),
                    email=email.strip().lower(),
                    subject=" ".join(subject.split()),  # one line: it becomes the answer mail's subject
                    text=text.strip(),
                )
            break
        except IntegrityError:
            continue
    else:
        raise ValidationError(_("The question could not be recorded; please try again."))
    transaction.on_commit(lambda: _acknowledge(question))
    return question


def assign(*, question: Question, user, to) -> Question:
    if question.status in (Status.ANSWERED, Status.CLOSED):
        raise ValidationError(_("This question is already answered."))
    question.assigned_to, question.status = to, Status.ASSIGNED
    with acting_as(user):
        question.save(update_fields=["assigned_to", "status"])
    return question


# The openings of a letter the desk may write itself; then the mail adds no "Gentile …," of its own.
GREETINGS = re.compile(
    r"^\W*(gentil[ei]|egregi[oae]|car[aoie]|spett\.le|spettabile|buongiorno|buonasera|salve|ciao|"
    r"dear|hello|hi|good (morning|afternoon|evening))\b",
    re.IGNORECASE,
)


def starts_with_greeting(text: str) -> bool:
    return bool(GREETINGS.match(text))


def answer(*, question: Question, user, text: str) -> Question:
    """Mail the answer to the citizen and record it; answering again mails the new answer."""
    if question.status == Status.CLOSED:
        raise ValidationError(_("This question is closed."))
    question.answer = text.strip()
    if question.status != Status.ANSWERED:
        question.status, question.answered_at = Status.ANSWERED, timezone.now()
    question.assigned_to = question.assigned_to or user
    with mailer(relay_may_be_down=True) as mail:
        if not mail.send(
            to=question.email,
            template="participation/email/desk_answer",
            context={"question": question, "city": question.city, "greet": not starts_with_greeting(question.answer)},
        ):
            raise ValidationError(_("The answer could not be mailed; nothing was recorded. Try again."))
    with acting_as(user):
        question.save()
    return question


def _without_personal_data(text: str, question: Question) -> str:
    """The citizen's own text with their name, each part of it and their address blanked out:
    the starting point of the FAQ text, which the desk then edits."""
    words = [question.email, question.name, *question.name.split()]
    for word in sorted({w for w in words if len(w) > 2}, key=len, reverse=True):
        text = re.sub(rf"\b{re.escape(word)}\b", "…", text, flags=re.IGNORECASE)
    return text


def faq_draft(question: Question) -> dict:
    """The FAQ texts to start the edit from: the saved ones, or the citizen's anonymised."""
    return {
        "faq_question": question.faq_question or _without_personal_data(question.text, question),
        "faq_answer": question.faq_answer or _without_personal_data(question.answer, question),
    }


def faq_save(*, question: Question, user, faq_question: str, faq_answer: str, publish: bool) -> Question:
    """Save the FAQ's edited question and answer, published or not; publishing needs an answered
    question and a text that names neither the citizen nor their address.

    When the city reviews the FAQ (`City.review_faq`) and the desk is not a plan owner, publishing
    sends the entry for review instead (`ponte.core.review`): it enters the FAQ once a plan owner
    approves it, and an entry already in the FAQ that is changed leaves it until then. Saving
    without publishing takes it out of the review queue."""
    question.faq_question, question.faq_answer = faq_question.strip(), faq_answer.strip()
    if publish:
        if not question.answered_at:
            raise ValidationError(_("Answer the question before publishing it in the FAQ."))
        if not (question.faq_question and question.faq_answer):
            raise ValidationError(_("Write the question and the answer as they will appear in the FAQ."))
        published = f"{question.faq_question}\n{question.faq_answer}"
        if _without_personal_data(published, question) != published:
            raise ValidationError(
                _("The FAQ text still contains the citizen's name or email address: remove them before publishing.")
            )
    needs_review = publish and review.requires_review(question, user)
    question.in_faq = publish and not needs_review
    withdrawn = not publish and question.review_state in (ReviewState.PENDING, ReviewState.RETURNED)
    if withdrawn:
        question.review_state = ReviewState.DRAFT
    with acting_as(user), transaction.atomic():
        question.save(update_fields=["faq_question", "faq_answer", "in_faq", "review_state"])
        if withdrawn:
            review.withdrawn(question)
        if needs_review or (publish and question.review_state != ReviewState.APPROVED):
            review.submit(item=question, user=user)
    return question


def close(*, question: Question, user) -> Question:
    question.status = Status.CLOSED
    with acting_as(user):
        question.save(update_fields=["status"])
    return question


def response_times(city) -> list[dict]:
    """Per month of arrival: questions, answered, and the average hours to answer."""
    months = defaultdict(lambda: {"questions": 0, "answered": 0, "hours": 0.0})
    for created, answered in Question.objects.for_city(city).values_list("created_at", "answered_at"):
        month = timezone.localtime(created).strftime("%Y-%m")
        months[month]["questions"] += 1
        if answered:
            months[month]["answered"] += 1
            months[month]["hours"] += (answered - created).total_seconds() / 3600
    return [
        {
            "month": month,
            "first_day": datetime.date.fromisoformat(f"{month}-01"),  # shown as "dicembre 2026"
            "questions": row["questions"],
            "answered": row["answered"],
            "average_hours": round(row["hours"] / row["answered"], 1) if row["answered"] else None,
        }
        for month, row in sorted(months.items(), reverse=True)
    ]
