"""The Europe Direct desk: public questions become tickets; answers are mailed over SMTP;
answered questions can feed the public FAQ; response times are measured per month."""

from collections import defaultdict

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from ponte.core.mail import mailer
from ponte.core.services import acting_as

from .models import Question

Status = Question.Status


def ask(*, city, name, email, subject, text) -> Question:
    return Question.objects.create(
        city=city, name=name.strip(), email=email.strip().lower(), subject=subject.strip(), text=text.strip()
    )


def assign(*, question: Question, user, to) -> Question:
    if question.status in (Status.ANSWERED, Status.CLOSED):
        raise ValidationError(_("This question is already answered."))
    question.assigned_to, question.status = to, Status.ASSIGNED
    with acting_as(user):
        question.save(update_fields=["assigned_to", "status"])
    return question


def answer(*, question: Question, user, text: str, publish_in_faq: bool = False) -> Question:
    """Mail the answer to the citizen and record it (answering again only edits the FAQ text)."""
    if question.status == Status.CLOSED:
        raise ValidationError(_("This question is closed."))
    first = question.status != Status.ANSWERED
    question.answer, question.in_faq = text.strip(), publish_in_faq
    if first:
        question.status, question.answered_at = Status.ANSWERED, timezone.now()
        question.assigned_to = question.assigned_to or user
        with mailer() as mail:
            if not mail.send(
                to=question.email,
                template="participation/email/desk_answer",
                context={"question": question, "city": question.city},
            ):
                raise ValidationError(_("The answer could not be mailed; nothing was recorded. Try again."))
    with acting_as(user):
        question.save()
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
            "questions": row["questions"],
            "answered": row["answered"],
            "average_hours": round(row["hours"] / row["answered"], 1) if row["answered"] else None,
        }
        for month, row in sorted(months.items(), reverse=True)
    ]
