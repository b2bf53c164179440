#!/usr/bin/env python3
"""Writes the seed inputs of tests/fuzz/corpus/ from the project's fixtures.

    tests/fuzz/make-seeds.py FLATPAK_FIXTURES APPIMAGE_FIXTURES SNAP_FIXTURES CORPUS_DIR

The fixture directories are what tests/fixtures/make-repo.sh, make-appimage.sh and
make-snaps.sh build. Seeds are named seed-*; inputs the fuzzer found are kept beside
them under libFuzzer's names (docs/testing.md, "Fuzzing"). Binary fixtures are made
small: an AppImage's ELF runtime becomes a header, two sections and the payload; an ISO
loses its system area (the target puts it back) and its padding; squashfs images are
repacked with uncompressed metadata so that mutations reach the directory tables.
"""
import os
import shutil
import struct
import subprocess
import sys
import tempfile

FLATPAK, APPIMAGE, SNAPS, OUT = sys.argv[1:5]


def put(target, name, data):
    d = os.path.join(OUT, target)
    os.makedirs(d, exist_ok=True)
    if isinstance(data, str):
        data = data.encode()
    with open(os.path.join(d, "seed-" + name), "wb") as f:
        f.write(data)


def read(*parts):
    with open(os.path.join(*parts), "rb") as f:
        return f.read()


# ---- AppImage ELF: header, .upd_info, .shstrtab, section table, payload
def compact_elf(data, payload_max=None):
    ehdr = bytearray(data[:64])
    shoff, = struct.unpack_from("<Q", data, 0x28)
    shentsize, shnum, shstrndx = struct.unpack_from("<HHH", data, 0x3a)
    sections = [data[shoff + i * 64:shoff + (i + 1) * 64] for i in range(shnum)]
    strtab = sections[shstrndx]
    str_off, str_size = struct.unpack_from("<QQ", strtab, 0x18)
    names = data[str_off:str_off + str_size]
    upd = b""
    for s in sections:
        name_off, = struct.unpack_from("<I", s, 0)
        if names[name_off:].split(b"\0")[0] == b".upd_info":
            off, size = struct.unpack_from("<QQ", s, 0x18)
            upd = data[off:off + size]
    new_names = b"\0.upd_info\0.shstrtab\0"
    upd_off = 64
    names_off = upd_off + len(upd)
    table_off = names_off + len(new_names)
    table = bytes(64)
    table += struct.pack("<IIQQQQIIQQ", 1, 7, 2, 0, upd_off, len(upd), 0, 0, 1, 0)
    table += struct.pack("<IIQQQQIIQQ", 11, 3, 0, 0, names_off, len(new_names), 0, 0, 1, 0)
    struct.pack_into("<Q", ehdr, 0x28, table_off)
    struct.pack_into("<HHH", ehdr, 0x3a, 64, 3, 2)
    payload = data[shoff + shentsize * shnum:]
    if payload_max is not None:
        payload = payload[:payload_max]
    return bytes(ehdr) + upd + new_names + table + payload


for name in ("aitool", "aitool-upd", "hello"):
    put("appimage-elf", name, compact_elf(read(APPIMAGE, name + ".AppImage"), 64))
put("appimage-elf", "aitool-full-payload", compact_elf(read(APPIMAGE, "aitool.AppImage")))
put("appimage-elf", "elf32", compact_elf(read(APPIMAGE, "bad", "elf32.AppImage"), 64))
put("appimage-elf", "not-squashfs", compact_elf(read(APPIMAGE, "bad", "not-squashfs.AppImage"), 64))
for name in ("tiny", "not-elf"):
    put("appimage-elf", name, read(APPIMAGE, "bad", name + ".AppImage"))
iso = read(APPIMAGE, "isotool.AppImage")
put("appimage-elf", "type1", iso[:64] + bytes(32769 - 64) + b"CD001")

# ---- ISO 9660: from the volume descriptors on, without the trailing padding
body = iso[32768:]
end = len(body.rstrip(b"\0"))
body = body[:(end + 2047) // 2048 * 2048]
put("appimage-iso", "isotool", body)
put("appimage-iso", "isotool-cut", body[:len(body) // 2])


# ---- squashfs: the snaps as they are, and repacked with uncompressed metadata
def repack(image, *options):
    with tempfile.TemporaryDirectory() as tmp:
        root = os.path.join(tmp, "root")
        subprocess.run(["unsquashfs", "-quiet", "-no-progress", "-d", root, image], check=True,
                       stdout=subprocess.DEVNULL)
        out = os.path.join(tmp, "out.sqfs")
        subprocess.run(["mksquashfs", root, out, "-noappend", "-quiet", "-no-progress",
                        "-all-root", "-no-xattrs"] + list(options), check=True,
                       stdout=subprocess.DEVNULL)
        return read(out)


for name in ("hello-snap_7", "second-snap_3", "wrappy-themes_2", "bad-yaml", "bad-name"):
    put("squashfs", name, read(SNAPS, name + ".snap"))
put("squashfs", "truncated", read(SNAPS, "truncated.snap"))
put("squashfs", "hello-snap_7-plain",
    repack(os.path.join(SNAPS, "hello-snap_7.snap"), "-noI", "-noD", "-noF", "-noX"))
put("squashfs", "hello-snap_7-gzip", repack(os.path.join(SNAPS, "hello-snap_7.snap"), "-comp", "gzip"))
for name in ("escape-dotdot", "escape-dup"):
    data = read(APPIMAGE, "bad", name + ".AppImage")
    put("squashfs", name, data[data.index(b"hsqs"):])
data = read(APPIMAGE, "aitool.AppImage")
with tempfile.NamedTemporaryFile() as f:
    f.write(data[data.index(b"hsqs"):])
    f.flush()
    put("squashfs", "aitool-plain", repack(f.name, "-noI", "-noD", "-noF", "-noX"))


# ---- snap.yaml and the snaps' desktop files
def cat_from(image, path):
    r = subprocess.run(["unsquashfs", "-cat", image, path], capture_output=True)
    return r.stdout if r.returncode == 0 else None


for name in ("hello-snap_7", "second-snap_3", "wrappy-themes_2", "wrappy-core_1", "bad-yaml",
             "bad-name"):
    put("snap-yaml", name, cat_from(os.path.join(SNAPS, name + ".snap"), "meta/snap.yaml"))
put("snap-yaml", "alias", "name: a\nx: &a [1]\ny: *a\n")
for name in ("hello-snap", "other"):
    put("desktop-file", "snap-" + name,
        cat_from(os.path.join(SNAPS, "hello-snap_7.snap"), "meta/gui/%s.desktop" % name))
with tempfile.TemporaryDirectory() as tmp:
    root = os.path.join(tmp, "r")
    sqfs = data[data.index(b"hsqs"):]
    with open(os.path.join(tmp, "a.sqfs"), "wb") as f:
        f.write(sqfs)
    put("desktop-file", "aitool",
        cat_from(os.path.join(tmp, "a.sqfs"), "org.example.AiTool.desktop"))


# ---- Flatpak metadata and launchers, from the repos
def ostree_cat(repo, ref, path):
    r = subprocess.run(["ostree", "--repo=" + repo, "cat", ref, path], capture_output=True)
    return r.stdout if r.returncode == 0 else None


repo = os.path.join(FLATPAK, "repo")
refs = subprocess.run(["ostree", "--repo=" + repo, "refs"], capture_output=True, text=True,
                      check=True).stdout.split()
for ref in sorted(refs):
    if ref.startswith(("app/", "runtime/")):
        put("flatpak-metadata", ref.split("/")[1], ostree_cat(repo, ref, "/metadata"))
        desktop = ostree_cat(repo, ref, "/export/share/applications/%s.desktop" % ref.split("/")[1])
        if desktop:
            put("desktop-file", ref.split("/")[1], desktop)
broken = os.path.join(FLATPAK, "broken", "repo")
for ref in ("app/org.wrappy.BadMeta/x86_64/stable", "app/org.wrappy.BadNul/x86_64/stable"):
    put("flatpak-metadata", ref.split("/")[1], ostree_cat(broken, ref, "/metadata"))
put("desktop-file", "evil", "[Desktop Entry]\nType=Application\nName=Evil\n"
    "Exec=/bin/sh -c \"echo pwned\"\nIcon=/etc/passwd\nDBusActivatable=true\n"
    "[Desktop Action new]\nExec=app --new %u\n")

# ---- AppImage update information and .zsync headers (as the integration tests write)
put("appimage-update-info", "zsync", "zsync|http://127.0.0.1/aitool-latest.AppImage.zsync")
put("appimage-update-info", "gh", "gh-releases-zsync|octo|tool|latest|Tool-*x86_64.AppImage.zsync")
put("appimage-update-info", "gh-url", "gh-releases-zsync|https://github.com/o|r|v1|*.zsync")
put("appimage-update-info", "bintray", "bintray-zsync|a|b|c|d")
sha1 = "3f786850e387550fdab836ed7e6dc881de23001b"
put("zsync-header", "good",
    "zsync: 0.6.2\nFilename: aitool.AppImage\nMTime: Tue, 01 Oct 2024 00:00:00 +0000\n"
    "Blocksize: 2048\nLength: 39888\nHash-Lengths: 2,2,5\nURL: aitool-2.AppImage\n"
    "SHA-1: %s\n\n\x00\x01\x02\x03binary block sums" % sha1)
put("zsync-header", "absolute",
    "zsync: 0.6.2\nLength: 1\nURL: http://127.0.0.1:8080/a/../b.AppImage\nSHA-1: %s\n\n" % sha1)
put("zsync-header", "no-url", "zsync: 1\nLength: 1\nSHA-1: %s\n\n" % sha1)

# ---- the AppImageHub feed and GitHub releases (the unit tests' shapes)
put("appimage-feed", "feed",
    '{"version":1,"items":[{"name":"Zoom","description":"Video meetings. Chat too.",'
    '"categories":["Network"],"authors":[{"name":"Zoom","url":"https://zoom.us"}],'
    '"links":[{"type":"Download","url":"https://example.org/Zoom-x86_64.AppImage"}]},'
    '{"name":"86Box","description":"<p>An emulator of &lt;old&gt; PCs &amp; more.</p>'
    '<p>Second paragraph.</p>","categories":["Utility;Emulator;"],'
    '"links":[{"type":"GitHub","url":"86Box/86Box"}]},'
    '{"name":"Quiet","categories":[null,["Office"]],"links":null,"description":42},'
    '{"name":"../evil"},{"name":"-x"},{"name":"\\u001b[31mred"}]}')
put("appimage-feed", "deep", "{\"items\":" + "[" * 40 + "]" * 40 + "}")
put("github-release", "release",
    '{"tag_name":"v1","assets":['
    '{"name":"App-x86_64.AppImage.zsync","browser_download_url":"https://h/z"},'
    '{"name":"App-1.0.AppImage","browser_download_url":"https://h/plain"},'
    '{"name":"App-arm64.AppImage","browser_download_url":"https://h/arm64"},'
    '{"name":"App-x86_64.AppImage","browser_download_url":"https://h/x86_64"},'
    '{"name":"a.AppImage","browser_download_url":"file:///etc/passwd"},'
    '{"name":"b.AppImage","browser_download_url":42}]}')


# ---- the search index: wrappy-catalog.c's format
def catalog(entries):
    out = b"wrappy-catalog-1\0"
    for e in entries:
        shown = list(e)
        lower = [e[0].lower(), e[1].lower(), "text editor", e[2].lower(), "a plain text editor"]
        for f in shown + lower:
            out += f.encode() + b"\0"
    return out


put("catalog", "two", catalog([("org.wrappy.Hello", "Hello", "Says hello", "1.0"),
                               ("org.example.Editor", "Éditeur", "Text editor", "")]))
put("catalog", "damaged", catalog([("a", "b", "c", "d")])[:-5])

# ---- path patterns and overrides
put("paths", "default",
    "[socket=wayland]\n${XDG_RUNTIME_DIR}/wayland-[0-9]+\n\n[socket=pulseaudio]\n"
    "${XDG_RUNTIME_DIR}/pulse/native\n${XDG_RUNTIME_DIR}/pipewire-[0-9]+\n")
put("paths", "unit",
    "# comment\n\n  rw ~/Projects  \n[socket=wayland]\n${XDG_RUNTIME_DIR}/wayland-[0-9]+\n"
    "[always]\nro ${ODD}/x.txt\n${ODD}/(a|b)\n[device=dri]\n/dev/dri/card[0-9]\n${UNSET}/x\n")
put("overrides", "paranoid", "[Wrappy]\nisolation=paranoid\n")
put("overrides", "bad", "[Wrappy]\nisolation=max\n")
put("overrides", "flatpak", "[Context]\nshared=network;\n[Wrappy]\nisolation = none \n")
