// The door page: checks a member card's signature in the browser with WebCrypto's Ed25519 and the
// server's public key (no network needed), then posts the token to check the holder in.
(function () {
  const door = document.getElementById("door");
  if (!door) return;
  const verdict = document.getElementById("verdict");
  const field = document.getElementById("id_token");
  const eventId = Number(door.dataset.event);
  const msg = door.dataset;

  function bytes(b64url) {
    const b64 = b64url.replace(/-/g, "+").replace(/_/g, "/") + "===".slice((b64url.length + 3) % 4);
    return Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
  }

  function show(ok, lines) {
    verdict.className = "verdict " + (ok ? "ok" : "bad");
    verdict.replaceChildren(...lines.flatMap((line, i) => (i ? [document.createElement("br"), line] : [line])));
  }

  let key = null;
  async function publicKey() {
    if (!key) key = await crypto.subtle.importKey("raw", bytes(msg.key), { name: "Ed25519" }, false, ["verify"]);
    return key;
  }

  async function check(token) {
    token = (token || "").trim();
    if (!token) return;
    const parts = token.split(".");
    let payload, signature;
    try {
      if (parts.length !== 2) throw new Error("shape");
      payload = bytes(parts[0]);
      signature = bytes(parts[1]);
    } catch (e) {
      show(false, [msg.msgForged]);
      return false;
    }
    let valid;
    try {
      valid = await crypto.subtle.verify({ name: "Ed25519" }, await publicKey(), signature, payload);
    } catch (e) {
      show(false, [msg.msgUnsupported]);
      return false;
    }
    if (!valid) {
      show(false, [msg.msgForged]);
      return false;
    }
    const card = JSON.parse(new TextDecoder().decode(payload));
    if (card.e !== eventId) {
      show(false, [msg.msgOtherEvent]);
      return false;
    }
    if (card.x * 1000 <= Date.now()) {
      show(false, [msg.msgExpired]);
      return false;
    }
    const until = new Date(card.x * 1000);
    show(true, [
      msg.msgOk,
      `${msg.msgName}：${card.n}`,
      `${msg.msgUnion}：${card.u}`,
      `${msg.msgUntil}：${until.toLocaleString("zh-CN", { hour12: false })}`,
    ]);
    return true;
  }

  field.addEventListener("input", () => check(field.value));
  door.checkCard = check; // for a test, and for a scanner that types the token

  const scan = document.getElementById("scan");
  const video = document.getElementById("camera");
  scan.addEventListener("click", async () => {
    if (!("BarcodeDetector" in window) || !navigator.mediaDevices) {
      show(false, [msg.msgNoCamera]);
      return;
    }
    const detector = new BarcodeDetector({ formats: ["qr_code"] });
    const stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" } });
    video.srcObject = stream;
    video.hidden = false;
    await video.play();
    const tick = async () => {
      const codes = await detector.detect(video);
      if (codes.length) {
        field.value = codes[0].rawValue;
        stream.getTracks().forEach((t) => t.stop());
        video.hidden = true;
        check(field.value);
        return;
      }
      requestAnimationFrame(tick);
    };
    tick();
  });
})();
