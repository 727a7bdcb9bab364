#!/usr/bin/python3
"""vCard checks for tests/vcard.t, by python3-vobject and Python's own
uuid and hashlib: an implementation independent of libcrm/vcard.c.

  vcard.py uid KEY ID          the UID crm should give customer ID of the
                               store whose config crm.forget_key is KEY:
                               urn:uuid: + uuid5(namespace, str(ID)), the
                               namespace the first 16 bytes of
                               HMAC-SHA256(key, "crm vCard UID")
  vcard.py vdir DIR            every file holds one vCard 4.0 with a UID,
                               named sha256(UID).hexdigest() + ".vcf", and
                               TYPE on every EMAIL and TEL
  vcard.py same A B            every card of folder A is in folder B (by
                               UID) with the same FN, N, EMAIL and TEL
                               (with TYPE), ADR, ORG, TITLE, NICKNAME, URL,
                               CATEGORIES, NOTE and BDAY
  vcard.py show FILE UID|FN    one card's N, EMAILs and TELs with TYPE,
                               CATEGORIES, one per line
  vcard.py make DIR            write cards with python3-vobject into DIR,
                               one file each: escapes, folds, lists
Exit 1 with the difference on stderr when a check fails.
"""
import hashlib
import hmac
import os
import sys
import uuid

import vobject


def key_bytes(text):
    # The key's text: a letter from a to p per half byte (libcrm/forget.c).
    return bytes(((ord(text[2 * i]) - 97) << 4) | (ord(text[2 * i + 1]) - 97)
                 for i in range(len(text) // 2))


def cards(path):
    with open(path, encoding="utf-8") as f:
        return list(vobject.readComponents(f.read()))


def values(card, name):
    return card.contents.get(name, [])


def types(prop):
    return sorted(t.lower() for t in prop.params.get("TYPE", [])
                  for t in t.split(","))


def norm(card):
    """What a card says, as comparable values."""
    out = {}
    for name in ("fn", "org", "title", "nickname", "url", "note"):
        out[name] = sorted(str(p.value) for p in values(card, name))
    out["n"] = [(p.value.family, p.value.given) for p in values(card, "n")]
    out["email"] = sorted((p.value, tuple(types(p)))
                          for p in values(card, "email"))
    out["tel"] = sorted((p.value.replace("tel:", ""), tuple(types(p)))
                        for p in values(card, "tel"))
    out["adr"] = sorted((p.value.box, p.value.extended, p.value.street,
                         p.value.city, p.value.region, p.value.code,
                         p.value.country, tuple(types(p)))
                        for p in values(card, "adr"))
    out["categories"] = sorted(c for p in values(card, "categories")
                               for c in p.value)
    out["bday"] = [p.value.replace("-", "") for p in values(card, "bday")]
    return out


def main(argv):
    if argv[1] == "uid":
        ns = hmac.new(key_bytes(argv[2]), b"crm vCard UID",
                      hashlib.sha256).digest()[:16]
        print("urn:uuid:" + str(uuid.uuid5(uuid.UUID(bytes=ns), argv[3])))
        return 0
    if argv[1] == "vdir":
        names = sorted(os.listdir(argv[2]))
        assert names, "no files"
        for name in names:
            cs = cards(os.path.join(argv[2], name))
            assert len(cs) == 1, (name, len(cs))
            c = cs[0]
            assert c.version.value == "4.0", name
            want = hashlib.sha256(c.uid.value.encode()).hexdigest() + ".vcf"
            assert name == want, (name, want)
            for p in values(c, "email") + values(c, "tel"):
                assert types(p), (name, p)
        return 0
    if argv[1] == "same":
        def load(d):
            return {c.uid.value: c for f in sorted(os.listdir(d))
                    for c in cards(os.path.join(d, f))}
        a, b = load(argv[2]), load(argv[3])
        for uid, card in a.items():
            assert uid in b, "%s: not in %s" % (uid, argv[3])
            na, nb = norm(card), norm(b[uid])
            for k in na:
                if na[k] != nb[k]:
                    sys.stderr.write("%s: %s: %r != %r\n" % (uid, k, na[k],
                                                             nb[k]))
                    return 1
        return 0
    if argv[1] == "show":
        for c in cards(argv[2]):
            if argv[3] not in (c.uid.value, c.fn.value):
                continue
            n = norm(c)
            for f, g in n["n"]:
                print("N %s;%s" % (f, g))
            for v, t in n["email"]:
                print("EMAIL %s %s" % (",".join(t), v))
            for v, t in n["tel"]:
                print("TEL %s %s" % (",".join(t), v))
            print("CATEGORIES " + ",".join(n["categories"]))
            return 0
        sys.stderr.write("%s: no card %s\n" % (argv[2], argv[3]))
        return 1
    if argv[1] == "make":
        made = [
            ("vo-1", "Wong, Mei Ling", ("Wong", "Mei Ling"),
             [("mei@wong.example", "work"), ("mei.l@home.example", "home")],
             [("+852 9123 4567", "cell")], ["vip", "Hong Kong; SAR"],
             "line one\nline two, with; marks \\ and a long tail " * 3),
            ("vo-2", "司马 相如" * 12, ("司马", "相如" * 12),
             [("sima@example.cn", "home")],
             [("+86 10 1234 5678", "voice"), ("+86 138 0000 9999", "cell")],
             ["a:b", "x.y"], None),
        ]
        for uid, fn, (fam, giv), emails, tels, cats, note in made:
            c = vobject.vCard()
            c.add("uid").value = uid
            c.add("fn").value = fn
            c.add("n").value = vobject.vcard.Name(family=fam, given=giv)
            for v, t in emails:
                e = c.add("email")
                e.value = v
                e.type_param = t
            for v, t in tels:
                e = c.add("tel")
                e.value = v
                e.type_param = t
            c.add("categories").value = cats
            if note:
                c.add("note").value = note
            with open(os.path.join(argv[2], uid + ".vcf"), "w",
                      encoding="utf-8", newline="") as f:
                f.write(c.serialize())
        return 0
    sys.stderr.write(__doc__)
    return 64


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv))
    except AssertionError as e:
        sys.stderr.write("vcard.py: %s\n" % (e,))
        sys.exit(1)
