#!/usr/bin/env python3
"""Writes a Flathub-sized appstream catalog for bench/search: N desktop-application
components with names, summaries, keywords, descriptions, releases and flatpak bundle
refs, as appstream.xml (for appstream2/) and appstream.xml.gz (for appstream/).

    bench/search-catalog.py N OUTDIR

Words are drawn so that a common word ("editor") matches a few percent of the catalog,
as on Flathub, rather than most of it."""
import gzip
import os
import random
import sys

n, out = int(sys.argv[1]), sys.argv[2]
rng = random.Random(5)
common = ("editor text image photo music video player browser web mail chat game puzzle "
          "office spreadsheet paint draw terminal code developer notes calendar clock "
          "weather map finance budget science math chemistry astronomy learning language "
          "translate password backup sync file manager archive download podcast radio").split()
syll = "ka lo mi ne ru sa ti vo ze pa qu re st tr an el in or ul ex".split()
rare = sorted({"".join(rng.choice(syll) for _ in range(3)) for _ in range(4000)})


def word():
    return rng.choice(common) if rng.random() < 0.04 else rng.choice(rare)


def esc(s):
    return s.replace("&", "&amp;").replace("<", "&lt;")


parts = ['<?xml version="1.0" encoding="UTF-8"?>\n<components version="0.8" origin="flatpak">\n']
for i in range(n):
    kind = rng.choice(common) if rng.random() < 0.5 else rng.choice(rare)
    brand = rng.choice(rare).capitalize()
    cid = "org.bench.%s%04d" % (brand, i)
    name = "%s %s" % (brand, kind.capitalize())
    summary = "A %s %s for %s" % (word(), kind, word())
    desc = " ".join(word() for _ in range(45))
    parts.append(
        '  <component type="desktop-application">\n'
        "    <id>%s</id>\n    <name>%s</name>\n    <summary>%s</summary>\n"
        "    <description><p>%s</p><ul><li>%s</li><li>%s</li></ul></description>\n"
        "    <keywords><keyword>%s</keyword><keyword>%s</keyword></keywords>\n"
        "    <categories><category>Utility</category></categories>\n"
        '    <releases><release version="%d.%d.%d" timestamp="%d"/></releases>\n'
        '    <bundle type="flatpak" runtime="org.freedesktop.Platform/x86_64/23.08">'
        "app/%s/x86_64/stable</bundle>\n  </component>\n"
        % (cid, esc(name), esc(summary), esc(desc), word(), word(), word(), word(),
           i % 7, i % 11, i % 5, 1700000000 + i, cid))
parts.append("</components>\n")
data = "".join(parts).encode()
os.makedirs(out, exist_ok=True)
with open(os.path.join(out, "appstream.xml"), "wb") as f:
    f.write(data)
with gzip.open(os.path.join(out, "appstream.xml.gz"), "wb") as f:
    f.write(data)
