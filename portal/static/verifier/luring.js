/* SIGAP offline verifier (/verifikasi/luring): checks the signed facts of a letter's QR code
   (docs/letters-signing.md) with no network. Self-contained: the certificates and the words come
   from two JSON blocks in the page, so a saved copy of the page keeps working from file://.
   QR text: [link#]SG1:<base64url of a tagged COSE_Sign1 (CBOR tag 18), ES256>. */
(function () {
  "use strict";

  var PREFIX = "SG1:";
  var words = JSON.parse(document.getElementById("kata").textContent);
  var keys = JSON.parse(document.getElementById("kunci-kota").textContent).keys;

  function Refusal(word, detail) {
    this.word = word;
    this.detail = detail || "";
  }

  /* base64url (no padding) to bytes */
  function fromBase64url(text) {
    if (!/^[A-Za-z0-9_-]*$/.test(text) || text.length % 4 === 1) throw new Refusal("unreadable", "base64url");
    var b64 = text.replace(/-/g, "+").replace(/_/g, "/");
    while (b64.length % 4) b64 += "=";
    var binary = atob(b64);
    var out = new Uint8Array(binary.length);
    for (var i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i);
    return out;
  }

  function hex(bytes) {
    var out = "";
    for (var i = 0; i < bytes.length; i++) out += (bytes[i] < 16 ? "0" : "") + bytes[i].toString(16);
    return out;
  }

  /* CBOR (RFC 8949), the subset the seal uses: unsigned and negative integers, byte and text
     strings, arrays, maps, null/true/false, and tag 18 (COSE_Sign1). Definite lengths only. */
  function Tagged(tag, value) {
    this.tag = tag;
    this.value = value;
  }

  function decodeCbor(bytes) {
    var at = 0;
    var depth = 0;
    function need(n) {
      if (at + n > bytes.length) throw new Refusal("unreadable", "cbor: short");
    }
    function length(info) {
      if (info < 24) return info;
      var size = { 24: 1, 25: 2, 26: 4, 27: 8 }[info];
      if (!size) throw new Refusal("unreadable", "cbor: length " + info);
      need(size);
      var value = 0;
      for (var i = 0; i < size; i++) value = value * 256 + bytes[at + i];
      at += size;
      if (value > Number.MAX_SAFE_INTEGER) throw new Refusal("unreadable", "cbor: too large");
      return value;
    }
    function item() {
      if (++depth > 16) throw new Refusal("unreadable", "cbor: too deep");
      need(1);
      var initial = bytes[at++];
      var major = initial >> 5;
      var info = initial & 31;
      var value;
      if (major === 7) {
        if (info === 20) value = false;
        else if (info === 21) value = true;
        else if (info === 22) value = null;
        else throw new Refusal("unreadable", "cbor: simple " + info);
      } else {
        var n = length(info);
        if (major === 0) value = n;
        else if (major === 1) value = -1 - n;
        else if (major === 2 || major === 3) {
          need(n);
          var slice = bytes.slice(at, at + n);
          at += n;
          value = major === 2 ? slice : new TextDecoder("utf-8", { fatal: true }).decode(slice);
        } else if (major === 4) {
          value = [];
          for (var i = 0; i < n; i++) value.push(item());
        } else if (major === 5) {
          value = new Map();
          for (var j = 0; j < n; j++) {
            var key = item();
            if (typeof key !== "number" && typeof key !== "string") throw new Refusal("unreadable", "cbor: key");
            if (value.has(key)) throw new Refusal("unreadable", "cbor: duplicate key");
            value.set(key, item());
          }
        } else if (major === 6) {
          if (n !== 18) throw new Refusal("unreadable", "cbor: tag " + n);
          value = new Tagged(n, item());
        } else throw new Refusal("unreadable", "cbor: major " + major);
      }
      depth--;
      return value;
    }
    var result = item();
    if (at !== bytes.length) throw new Refusal("unreadable", "cbor: trailing bytes");
    return result;
  }

  /* The one CBOR we write: Sig_structure = ["Signature1", protected, h'', payload]. */
  function head(major, n) {
    if (n < 24) return [(major << 5) | n];
    if (n < 256) return [(major << 5) | 24, n];
    if (n < 65536) return [(major << 5) | 25, n >> 8, n & 255];
    return [(major << 5) | 26, (n >>> 24) & 255, (n >> 16) & 255, (n >> 8) & 255, n & 255];
  }

  function concat(parts) {
    var size = 0;
    parts.forEach(function (p) { size += p.length; });
    var out = new Uint8Array(size);
    var at = 0;
    parts.forEach(function (p) { out.set(p, at); at += p.length; });
    return out;
  }

  function sigStructure(protectedBytes, payload) {
    var context = new TextEncoder().encode("Signature1");
    return concat([
      Uint8Array.from(head(4, 4)),
      Uint8Array.from(head(3, context.length)), context,
      Uint8Array.from(head(2, protectedBytes.length)), protectedBytes,
      Uint8Array.from(head(2, 0)),
      Uint8Array.from(head(2, payload.length)), payload
    ]);
  }

  /* "ABCD..." or a whole link: the part from "SG1:" on, and the code in the link, if any. */
  function split(text) {
    var clean = text.replace(/\s+/g, "");
    var at = clean.indexOf(PREFIX);
    if (at < 0) throw new Refusal("no_seal");
    var link = clean.slice(0, at);
    var code = null;
    var found = /\/verifikasi\/([0-9A-Za-z-]+)#?$/.exec(link);
    if (found) code = found[1].replace(/-/g, "").toUpperCase();
    return { sealed: clean.slice(at + PREFIX.length), linkCode: code };
  }

  function day(value) {
    if (typeof value !== "number" || value < 19000101 || value > 29991231) throw new Refusal("unreadable", "date");
    var y = Math.floor(value / 10000);
    var m = Math.floor(value / 100) % 100;
    var d = value % 100;
    var check = new Date(Date.UTC(y, m - 1, d));
    if (check.getUTCMonth() !== m - 1 || check.getUTCDate() !== d) throw new Refusal("unreadable", "date");
    return { y: y, m: m, d: d, iso: y + "-" + String(m).padStart(2, "0") + "-" + String(d).padStart(2, "0") };
  }

  function text(value, nullable) {
    if (value === null && nullable) return null;
    if (typeof value !== "string" || value.length > 200) throw new Refusal("unreadable", "text");
    return value;
  }

  function factsOf(payload) {
    var map = decodeCbor(payload);
    if (!(map instanceof Map)) throw new Refusal("unreadable", "payload");
    var programs = map.get(5);
    if (!Array.isArray(programs)) throw new Refusal("unreadable", "programs");
    return {
      number: text(map.get(1)),
      code: text(map.get(2)),
      name: text(map.get(3)),
      kpj: text(map.get(4) === undefined ? null : map.get(4), true),
      programs: programs.map(function (p) { return text(p); }),
      from: day(map.get(6)),
      to: day(map.get(7)),
      issued: day(map.get(8))
    };
  }

  function importKey(jwk) {
    return crypto.subtle.importKey(
      "jwk",
      { kty: "EC", crv: "P-256", x: jwk.x, y: jwk.y, ext: true },
      { name: "ECDSA", namedCurve: "P-256" },
      false,
      ["verify"]
    );
  }

  /* Resolves to {facts, certificate}; rejects with a Refusal. */
  function verify(scanned) {
    return Promise.resolve().then(function () {
      if (!window.crypto || !crypto.subtle) throw new Refusal("no_crypto");
      var parts = split(scanned);
      var message = decodeCbor(fromBase64url(parts.sealed));
      if (!(message instanceof Tagged) || !Array.isArray(message.value) || message.value.length !== 4) {
        throw new Refusal("unreadable", "not a COSE_Sign1");
      }
      var protectedBytes = message.value[0];
      var payload = message.value[2];
      var signature = message.value[3];
      if (!(protectedBytes instanceof Uint8Array) || !(payload instanceof Uint8Array) ||
          !(signature instanceof Uint8Array) || !(message.value[1] instanceof Map)) {
        throw new Refusal("unreadable", "COSE_Sign1 fields");
      }
      var header = decodeCbor(protectedBytes);
      if (!(header instanceof Map) || header.get(1) !== -7) throw new Refusal("unreadable", "alg is not ES256");
      var kid = header.get(4);
      if (!(kid instanceof Uint8Array)) throw new Refusal("unknown_key");
      var kidHex = hex(kid);
      var certificate = keys.find(function (k) { return k.kid === kidHex; });
      if (!certificate) throw new Refusal("unknown_key", kidHex);
      if (signature.length !== 64) throw new Refusal("bad_signature", "length");
      return importKey(certificate.jwk).then(function (key) {
        return crypto.subtle.verify({ name: "ECDSA", hash: "SHA-256" }, key, signature, sigStructure(protectedBytes, payload));
      }).then(function (valid) {
        if (!valid) throw new Refusal("bad_signature");
        var facts = factsOf(payload);
        if (facts.issued.iso < certificate.not_before || facts.issued.iso > certificate.not_after) {
          throw new Refusal("outside_validity");
        }
        if (parts.linkCode && parts.linkCode !== facts.code.toUpperCase()) throw new Refusal("code_mismatch");
        return { facts: facts, certificate: certificate };
      });
    });
  }

  /* The page */
  var form = document.getElementById("periksa");
  var input = document.getElementById("isi-qr");
  var result = document.getElementById("hasil");

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (name) { node.setAttribute(name, attrs[name]); });
    (children || []).forEach(function (child) {
      node.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
    });
    return node;
  }

  function longDate(value) {
    return value.d + " " + words.months[value.m - 1] + " " + value.y;
  }

  function displayCode(code) {
    return code.match(/.{1,4}/g).join("-");
  }

  function row(term, value) {
    return el("div", {}, [el("dt", {}, [term]), el("dd", {}, [value])]);
  }

  function show(section) {
    result.replaceChildren(section);
    var heading = section.querySelector("h2");
    if (heading) heading.focus();
  }

  function showValid(found) {
    var f = found.facts;
    var c = found.certificate;
    var programs = f.programs.map(function (p) { return words.programs[p] || p; }).join(", ");
    var children = [
      el("h2", { id: "hasil-judul", tabindex: "-1" }, [c.demo ? words.valid_demo : words.valid]),
    ];
    if (c.demo) children.push(el("p", { class: "demo", "data-demo": "" }, [words.demo_warning]));
    children.push(el("dl", { class: "summary" }, [
      row(words.number, f.number),
      row(words.code, displayCode(f.code)),
      row(words.name, f.name),
      row(words.kpj, f.kpj === null ? words.no_kpj : f.kpj),
      row(words.programs_label, programs),
      row(words.coverage, longDate(f.from) + " – " + longDate(f.to)),
      row(words.issued, longDate(f.issued)),
      row(words.certificate, c.subject)
    ]));
    children.push(el("p", {}, [words.compare]));
    var online = el("a", { href: words.online_base + "/" + displayCode(f.code) }, [words.online_link]);
    children.push(el("p", { class: "small" }, [words.current_state + " ", online]));
    show(el("section", { class: "result " + (c.demo ? "result-demo" : "result-ok"), "data-state": c.demo ? "sah-demo" : "sah", "aria-labelledby": "hasil-judul" }, children));
  }

  function showRefusal(error) {
    var word = error instanceof Refusal ? error.word : "unreadable";
    var children = [
      el("h2", { id: "hasil-judul", tabindex: "-1" }, [words.refusals[word] || words.refusals.unreadable]),
      el("p", {}, [words.refusal_advice])
    ];
    if (error instanceof Refusal && error.detail) {
      children.push(el("p", { class: "small" }, [words.detail + " " + error.detail]));
    } else if (!(error instanceof Refusal)) {
      children.push(el("p", { class: "small" }, [words.detail + " " + String(error && error.message || error)]));
    }
    show(el("section", { class: "result result-bad", "data-state": "ditolak", "data-reason": word, "aria-labelledby": "hasil-judul" }, children));
  }

  function check() {
    var value = input.value.trim();
    if (!value) {
      showRefusal(new Refusal("empty"));
      return;
    }
    result.replaceChildren(el("p", {}, [words.checking]));
    verify(value).then(showValid, showRefusal);
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    check();
  });
  form.hidden = false;

  /* Camera: only where the browser decodes QR codes itself (Chromium on Android). */
  var cameraButton = document.getElementById("kamera");
  var video = document.getElementById("kamera-video");
  var stream = null;
  var scanning = false;

  function stopCamera() {
    scanning = false;
    if (stream) stream.getTracks().forEach(function (t) { t.stop(); });
    stream = null;
    video.hidden = true;
    cameraButton.textContent = words.camera_start;
  }

  function scan(detector) {
    if (!scanning) return;
    detector.detect(video).then(function (codes) {
      var found = codes.find(function (c) { return c.rawValue && c.rawValue.indexOf(PREFIX) >= 0; });
      if (found) {
        input.value = found.rawValue;
        stopCamera();
        check();
      } else {
        setTimeout(function () { scan(detector); }, 250);
      }
    }, function () { setTimeout(function () { scan(detector); }, 500); });
  }

  if ("BarcodeDetector" in window && navigator.mediaDevices && navigator.mediaDevices.getUserMedia) {
    window.BarcodeDetector.getSupportedFormats().then(function (formats) {
      if (formats.indexOf("qr_code") < 0) return;
      cameraButton.hidden = false;
      cameraButton.addEventListener("click", function () {
        if (scanning) {
          stopCamera();
          return;
        }
        navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" } }).then(function (s) {
          stream = s;
          scanning = true;
          video.srcObject = s;
          video.hidden = false;
          cameraButton.textContent = words.camera_stop;
          return video.play().then(function () { scan(new window.BarcodeDetector({ formats: ["qr_code"] })); });
        }).catch(function () {
          stopCamera();
          result.replaceChildren(el("p", {}, [words.camera_denied]));
        });
      });
    }).catch(function () {});
  }
})();
