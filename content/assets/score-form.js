// The stage guide's score form: turns what the interviewer entered into a score sheet file (YAML), seals it
// with the digest `loopkit validate --sheets` checks, and hands it to the browser as a download. Everything
// happens in the page: no request is made, nothing is stored.
(function () {
  "use strict";

  // SHA-256 (FIPS 180-4) of a byte array, as hex: crypto.subtle exists only on https and localhost, and a
  // team's private site may be served over plain http inside its network.
  var K = [];
  (function () {
    var n = 2, found = 0;
    function frac(x) { return ((x - Math.floor(x)) * 4294967296) >>> 0; }
    while (found < 64) {
      var prime = true;
      for (var d = 2; d * d <= n; d++) if (n % d === 0) { prime = false; break; }
      if (prime) K[found++] = frac(Math.cbrt(n));
      n++;
    }
  })();
  var H0 = [0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19];

  function sha256(bytes) {
    var length = bytes.length, padded = new Uint8Array(((length + 9 + 63) >> 6) << 6);
    padded.set(bytes);
    padded[length] = 0x80;
    var view = new DataView(padded.buffer);
    view.setUint32(padded.length - 8, Math.floor(length / 0x20000000));
    view.setUint32(padded.length - 4, (length << 3) >>> 0);
    var h = H0.slice(), w = new Array(64);
    for (var offset = 0; offset < padded.length; offset += 64) {
      for (var i = 0; i < 16; i++) w[i] = view.getUint32(offset + 4 * i);
      for (i = 16; i < 64; i++) {
        var a = w[i - 15], b = w[i - 2];
        var s0 = ((a >>> 7) | (a << 25)) ^ ((a >>> 18) | (a << 14)) ^ (a >>> 3);
        var s1 = ((b >>> 17) | (b << 15)) ^ ((b >>> 19) | (b << 13)) ^ (b >>> 10);
        w[i] = (w[i - 16] + s0 + w[i - 7] + s1) >>> 0;
      }
      var v = h.slice();
      for (i = 0; i < 64; i++) {
        var e = v[4], f = v[0];
        var t1 = (v[7] + (((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7)))
                  + ((e & v[5]) ^ (~e & v[6])) + K[i] + w[i]) >>> 0;
        var t2 = ((((f >>> 2) | (f << 30)) ^ ((f >>> 13) | (f << 19)) ^ ((f >>> 22) | (f << 10)))
                  + ((f & v[1]) ^ (f & v[2]) ^ (v[1] & v[2]))) >>> 0;
        v = [(t1 + t2) >>> 0, v[0], v[1], v[2], (v[3] + t1) >>> 0, v[4], v[5], v[6]];
      }
      for (i = 0; i < 8; i++) h[i] = (h[i] + v[i]) >>> 0;
    }
    return h.map(function (x) { return ("0000000" + x.toString(16)).slice(-8); }).join("");
  }

  // A YAML double-quoted string that loads back as exactly this text: the characters YAML would not read
  // back as written (controls, NEL, line and paragraph separators, BOM, lone surrogates, noncharacters)
  // are escaped, as loopkit's own writer does.
  function quoted(text) {
    var out = "";
    for (var ch of text) {
      var code = ch.codePointAt(0);
      if (ch === "\\" || ch === "\"") out += "\\" + ch;
      else if (code < 0x20 || (code >= 0x7f && code < 0xa0) || code === 0x2028 || code === 0x2029 || code === 0xfeff
               || (code >= 0xd800 && code < 0xe000) || code === 0xfffe || code === 0xffff) {
        out += "\\u" + ("000" + code.toString(16)).slice(-4);
      } else out += ch;
    }
    return "\"" + out + "\"";
  }

  function utc(date) { return date.toISOString().replace(/\.\d{3}Z$/, "Z"); }

  // The canonical content loopkit's sheets.digest hashes: keys sorted, no spaces, times in UTC to the second.
  function digest(sheet) {
    var content = {
      candidate: sheet.candidate, edition: sheet.edition, interviewed: sheet.interviewed, interviewer: sheet.interviewer,
      packet: sheet.packet,
      ratings: sheet.ratings.map(function (r) {
        return {competency: r.competency, evidence: r.evidence, observed: r.observed, question: r.question, score: r.score};
      }),
      recommendation: sheet.recommendation, shadowing: sheet.shadowing, stage: sheet.stage, submitted: sheet.submitted
    };
    return "sha256:" + sha256(new TextEncoder().encode(JSON.stringify(content)));
  }

  function yaml(sheet) {
    var lines = ["# A loopkit score sheet, saved from the stage guide. Candidate data: keep it private.",
                 "candidate: " + quoted(sheet.candidate), "packet: " + quoted(sheet.packet),
                 "edition: " + quoted(sheet.edition), "stage: " + quoted(sheet.stage),
                 "interviewer: " + quoted(sheet.interviewer), "shadowing: " + sheet.shadowing,
                 "interviewed: " + quoted(sheet.interviewed), "submitted: " + quoted(sheet.submitted),
                 "recommendation: " + (sheet.recommendation === null ? "null" : quoted(sheet.recommendation)),
                 "ratings:"];
    sheet.ratings.forEach(function (r) {
      lines.push("  - competency: " + quoted(r.competency), "    question: " + quoted(r.question),
                 "    score: " + (typeof r.score === "number" ? r.score : quoted(r.score)),
                 "    evidence: " + quoted(r.evidence), "    observed: [" + r.observed.map(quoted).join(", ") + "]");
    });
    lines.push("digest: " + quoted(sheet.digest));
    return lines.join("\n") + "\n";
  }

  var MIN_EVIDENCE = 12;  // as sheets.MIN_EVIDENCE: a scored point needs what the candidate said or did

  function invalid(field, message, problems) {
    field.setAttribute("aria-invalid", "true");
    problems.push(message);
  }

  function read(form) {
    var problems = [];
    form.querySelectorAll("[aria-invalid]").forEach(function (el) { el.removeAttribute("aria-invalid"); });
    var candidate = form.elements.candidate, interviewer = form.elements.interviewer, when = form.elements.interviewed;
    if (!/^[a-z0-9]+(-[a-z0-9]+)*$/.test(candidate.value)) invalid(candidate, "Candidate id: lower-case letters, digits and hyphens, like cand-7f3a.", problems);
    if (!interviewer.value.trim()) invalid(interviewer, "Your name or interviewer id is missing.", problems);
    var began = when.value ? new Date(when.value) : null;
    if (!began || isNaN(began.getTime())) invalid(when, "When the interview began is missing.", problems);
    var ratings = [];
    form.querySelectorAll("fieldset.lk-block").forEach(function (block) {
      var competency = block.dataset.competency, name = block.querySelector("legend").textContent;
      var chosen = block.querySelector("input[name='score-" + competency + "']:checked");
      var evidence = block.querySelector("textarea");
      if (!chosen) {
        invalid(block.querySelector("input[type=radio]"), name + ": choose a score, or no evidence.", problems);
        return;
      }
      var score = chosen.value === "no-evidence" ? "no-evidence" : Number(chosen.value);
      if (score !== "no-evidence" && evidence.value.trim().length < MIN_EVIDENCE) {
        invalid(evidence, name + ": write what the candidate said or did for a score of " + score + ".", problems);
      }
      ratings.push({competency: competency, question: block.querySelector("select").value, score: score,
                    evidence: evidence.value,
                    observed: Array.prototype.map.call(block.querySelectorAll("input[type=checkbox]:checked"),
                                                       function (box) { return box.value; })});
    });
    var recommendation = form.querySelector("input[name=recommendation]:checked");
    return {problems: problems, sheet: {
      candidate: candidate.value, packet: form.dataset.packet, edition: form.dataset.edition, stage: form.dataset.stage,
      interviewer: interviewer.value.trim(), shadowing: form.elements.shadowing.checked,
      interviewed: began && !isNaN(began.getTime()) ? utc(began) : "", submitted: utc(new Date()),
      recommendation: recommendation ? recommendation.value : null, ratings: ratings
    }};
  }

  function save(form, status) {
    var result = read(form);
    if (result.problems.length) {
      status.textContent = "Not saved: " + result.problems.join(" ");
      var first = form.querySelector("[aria-invalid=true]");
      if (first) first.focus();
      return;
    }
    var sheet = result.sheet;
    sheet.digest = digest(sheet);
    var name = [sheet.candidate, sheet.stage, sheet.interviewer.toLowerCase().replace(/[^a-z0-9]+/g, "-")]
      .join("-").replace(/-+$/, "") + ".yaml";
    var link = document.createElement("a");
    link.href = URL.createObjectURL(new Blob([yaml(sheet)], {type: "application/x-yaml"}));
    link.download = name;
    document.body.appendChild(link);
    link.click();
    link.remove();
    setTimeout(function () { URL.revokeObjectURL(link.href); }, 1000);
    status.textContent = "Saved as " + name + ", submitted " + sheet.submitted + ". Give the file to whoever "
      + "collects your team's sheets; nothing was sent anywhere.";
  }

  function start() {
    document.querySelectorAll("form.lk-score-form").forEach(function (form) {
      if (form.dataset.lkReady) return;
      form.dataset.lkReady = "1";
      var status = form.querySelector(".lk-form-status");
      form.addEventListener("submit", function (event) {
        event.preventDefault();
        save(form, status);
      });
    });
  }

  if (window.document$) window.document$.subscribe(start);
  else window.addEventListener("load", start);
})();
