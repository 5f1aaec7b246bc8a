"""The human-readable summary of a bundle (HTML; PDF through WeasyPrint on request)."""

from __future__ import annotations

from typing import Any

from jinja2 import Environment, select_autoescape

_TEMPLATE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<title>Evidence bundle — {{ m.project }}</title>
<style>
body { font-family: "DejaVu Sans", sans-serif; font-size: 10pt; margin: 2em; }
table { border-collapse: collapse; width: 100%; margin-bottom: 1.5em; }
td, th { border: 1px solid #999; padding: 3px 6px; vertical-align: top; text-align: left; }
code { font-size: 8pt; word-break: break-all; }
.flag { color: #a00; }
</style></head><body>
<h1>Evidence bundle ({{ m.kind }})</h1>
<p>Project: {{ m.project }} · created {{ m.created_at }} by {{ m.created_by }}
{% if m.incident is not none %} · incident {{ m.incident }}{% endif %}</p>
<p>Signing key fingerprint (compare with the published one):<br><code>{{ m.key_id }}</code></p>
<p>{{ m["items"]|length }} item(s); custody log of {{ m.custody|length }} event(s), head
event {{ m.head.seq }}; {{ m.timestamps|length }} trusted timestamp(s).
How to check all of this with standard tools: see VERIFY.txt.</p>

{% if m.incidents %}<h2>Incidents</h2>
<table><tr><th>id</th><th>date</th><th>place</th><th>type</th><th>description</th></tr>
{% for i in m.incidents %}<tr><td>{{ i.id }}</td><td>{{ i.date or "unknown" }}
{% if i.date_precision %}({{ i.date_precision }}){% endif %}</td>
<td>{{ i.place_raw or "unknown" }}{% if i.place_id %} [{{ i.place_id }}]{% endif %}</td>
<td>{{ i.type }}</td><td>{{ i.description }}</td></tr>{% endfor %}</table>{% endif %}

<h2>Items</h2>
{% for it in m["items"] %}
<table>
<tr><th colspan="2">{{ loop.index }}. {{ it.file if m.kind == "public" else it.original_name }}
({{ it.media_type }},
{{ it.size }} bytes)</th></tr>
<tr><td>File in bundle</td><td><code>{{ it.file }}</code> (original format, unaltered)</td></tr>
<tr><td>SHA-256</td><td><code>{{ it.sha256 }}</code></td></tr>
<tr><td>SHA-512</td><td><code>{{ it.sha512 }}</code></td></tr>
{% if it.parent_sha256 %}<tr><td>Derived from</td><td><code>{{ it.parent_sha256 }}</code>
({{ it.transform.name }}, {{ it.transform.tool }})</td></tr>{% endif %}
{% for c in it.collections %}<tr><td>Collection {{ loop.index }}</td><td>
{% if m.kind == "public" %}at {{ c.collected_at }} (time source: {{ c.collected_at_source }}),
how {{ c.how }}{% else %}
by {{ c.collected_by }}, at {{ c.collected_at }} (time source: {{ c.collected_at_source }}),
from {{ c.source_url }}, place {{ c.place }}, from whom {{ c.from_whom }}, how {{ c.how }},
file name {{ c.original_name }}{% if c.note %}; note: {{ c.note }}{% endif %}{% endif %}
</td></tr>{% endfor %}
{% for md in it.metadata %}<tr><td>Metadata ({{ md.tool }} {{ md.tool_version }})</td><td>
{% for k, v in md.summary.items() %}{{ k }}: {{ v }}<br>{% endfor %}
{% for f in md.flags %}<span class="flag">flag: {{ f }}</span><br>{% endfor %}</td></tr>{% endfor %}
{% for e in m.custody if not e.withheld and it.sha256 in e["items"]
   and e.details and e.details.third_party_proof %}{% set p = e.details.third_party_proof %}
<tr><td>Third-party proof ({{ p.format }})</td><td>
{% if p.ok %}verified{% else %}<span class="flag">FAILED</span>{% endif %} at import
(custody event {{ e.seq }}){% if p.key_fingerprint %}; signing key
<code>{{ p.key_fingerprint }}</code> {{ p.key_user_ids|join(", ") }}{% endif %}{%
if p.validation_state %}; C2PA state {{ p.validation_state }}, signer
{{ p.signer.common_name }} ({{ p.signer.issuer }}){% endif %}<br>
{% for problem in p.problems %}<span class="flag">{{ problem }}</span><br>{% endfor %}
</td></tr>{% endfor %}
{% if it.rendition %}<tr><td>Open-format rendition</td><td>
{% for f in it.rendition.files %}<code>{{ f.file }}</code> ({{ f.media_type }}{% if
f.transform.frame_time is defined %}, frame at {{ "%.3f"|format(f.transform.frame_time) }} s{%
endif %}; made with {{ f.transform.tool }}; SHA-256 <code>{{ f.sha256 }}</code>)<br>
{% endfor %}{% if it.rendition.status == "open" %}not needed: {{ it.rendition.note }},
kept as is{% elif it.rendition.status == "none" %}none: {{ it.rendition.note }}{% endif %}
</td></tr>{% endif %}
<tr><td>What it shows</td><td>
{% set ds = it.claims|selectattr("kind", "equalto", "description")|list %}
{% for d in ds %}{{ d.body.text or d.body }} — assessed by {{ d.author }}, {{ d.created_at }}<br>
{% else %}no description recorded{% endfor %}</td></tr>
{% set others = it.claims|rejectattr("kind", "equalto", "description")|list %}
{% if others %}<tr><td>Claims (analysis, not evidence)</td><td>
{% for c in others %}{{ c.kind }}: {{ c.body }} — {{ c.author }}
{% if c.confidence is not none %}(confidence {{ c.confidence }}){% endif %}<br>{% endfor %}
</td></tr>{% endif %}
<tr><td>Custody</td><td>
{% for e in m.custody if not e.withheld and it.sha256 in e["items"] %}
{{ e.seq }}. {{ e.time }} {{ e.action }} by {{ e.actor }}: {{ e.reason }}<br>{% endfor %}</td></tr>
</table>
{% endfor %}
{% if m.withheld_items %}<h2>Left out of this bundle</h2><ul>
{% for w in m.withheld_items %}<li><code>{{ w.item }}</code>: {{ w.reason }}</li>{% endfor %}
</ul>{% endif %}
{% if m.timestamps %}<h2>Trusted timestamps</h2><ul>
{% for t in m.timestamps %}<li>{{ t.tsa }}: event {{ t.seq }} existed at {{ t.gen_time }}
(<code>{{ t.file }}</code>)</li>{% endfor %}</ul>{% endif %}
</body></html>
"""

_ENV = Environment(autoescape=select_autoescape(default=True, default_for_string=True))


def render_html(manifest: dict[str, Any]) -> str:
    return _ENV.from_string(_TEMPLATE).render(m=manifest)


def render_pdf(html: str) -> bytes:
    from weasyprint import HTML

    result = HTML(string=html).write_pdf()
    assert isinstance(result, bytes)
    return result
