"""`{% comment_thread item %}`: the staff's comments on an item (an action, a project, an
indicator, a meeting) and the form to add one, on the item's back-office page. Three queries
(comments with authors, the people they mention, the content type once per process) however
long the thread."""

from django import template
from django.urls import reverse
from django.utils.safestring import mark_safe

from ..forms import CommentForm, mention_example
from ..mentions import as_html
from ..queries import comments_on
from ..services import may_delete
from ..views import commented_kind

register = template.Library()


@register.inclusion_tag("collaboration/_comments.html", takes_context=True)
def comment_thread(context, item):
    request = context["request"]
    city = item.city
    comments = list(comments_on(item))
    for comment in comments:
        mentioned = {
            person.username.lower(): person.get_full_name() or person.username for person in comment.mentions.all()
        }
        comment.html = mark_safe(as_html(comment.text, mentioned))  # noqa: S308 - escaped by as_html
        comment.deletable = may_delete(request.user, comment)
    return {
        "request": request,
        "csrf_token": context.get("csrf_token"),
        "city": city,
        "comments": comments,
        "form": CommentForm(auto_id=f"comment-{commented_kind(item)}-%s", example=mention_example(request.user)),
        "post_url": reverse(
            "collaboration:comment-add", kwargs={"city": city.slug, "kind": commented_kind(item), "pk": item.pk}
        ),
        "candidates_url": reverse(
            "collaboration:mention-candidates", kwargs={"city": city.slug, "kind": commented_kind(item), "pk": item.pk}
        ),
    }
