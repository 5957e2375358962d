from django.db import migrations, models
from django.utils import timezone


def number_existing_questions(apps, schema_editor):
    """Existing questions get their ticket numbers in order of arrival, per city and year; those
    already in the FAQ keep their published text as the FAQ's (it was public already)."""
    Question = apps.get_model("participation", "Question")
    counters = {}
    for question in Question.objects.order_by("created_at", "pk"):
        year = timezone.localtime(question.created_at).year
        key = (question.city_id, year)
        counters[key] = counters.get(key, 0) + 1
        question.ticket = f"ED-{year}-{counters[key]:04d}"
        if question.in_faq:
            question.faq_question, question.faq_answer = question.text, question.answer
        question.save(update_fields=["ticket", "faq_question", "faq_answer"])


class Migration(migrations.Migration):
    dependencies = [
        ("participation", "0007_event_publication"),
    ]

    operations = [
        migrations.AddField(
            model_name="question",
            name="ticket",
            field=models.CharField(default="", editable=False, max_length=20, verbose_name="ticket number"),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="question",
            name="faq_question",
            field=models.TextField(blank=True, verbose_name="question as published in the FAQ"),
        ),
        migrations.AddField(
            model_name="question",
            name="faq_answer",
            field=models.TextField(blank=True, verbose_name="answer as published in the FAQ"),
        ),
        migrations.RunPython(number_existing_questions, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="question",
            constraint=models.UniqueConstraint(fields=("city", "ticket"), name="question_unique_ticket"),
        ),
    ]
