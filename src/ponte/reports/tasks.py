from django_tasks import task

from .models import Report
from .services import generate


@task()
def generate_report_task(report_id: int) -> str:
    report = Report.objects.select_related("city", "axis_item__axis", "programme", "office").get(pk=report_id)
    return generate(report).status
