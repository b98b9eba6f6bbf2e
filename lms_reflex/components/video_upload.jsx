// A lesson video upload with a real progress bar and Cancel.
// XMLHttpRequest streams the file to our own Starlette route (never Reflex's /_upload);
// the session cookie goes along because the request is same-origin. The server checks
// who is asking, the size while receiving, and the video itself.
import React, { useEffect, useRef, useState } from "react";

const FAILED = "The upload failed. Please check your connection and try again.";

const BAR_STYLE = {
  width: "100%",
  height: "0.5rem",
  borderRadius: "999px",
  background: "var(--gray-a4)",
  overflow: "hidden",
};

function ProgressBar({ percent, label }) {
  return (
    <div
      role="progressbar"
      aria-label={label}
      aria-valuemin={0}
      aria-valuemax={100}
      aria-valuenow={percent}
      style={BAR_STYLE}
    >
      <div style={{ width: `${percent}%`, height: "100%", background: "var(--accent-9)" }} />
    </div>
  );
}

// The picker looks like the form's other fields (Radix Themes text field colours).
const INPUT_STYLE = {
  width: "100%",
  padding: "var(--space-2)",
  border: "1px solid var(--gray-a7)",
  borderRadius: "var(--radius-2)",
  background: "var(--color-surface)",
  color: "var(--gray-12)",
  fontSize: "14px",
  fontFamily: "inherit",
};

function messageOf(xhr) {
  const text = (xhr.responseText || "").trim();
  return text && text.length < 300 && !text.startsWith("<") ? text : FAILED;
}

export function VideoUpload({ uploadUrl, inputId, label, onDone, onError }) {
  const [phase, setPhase] = useState("idle"); // idle | uploading | processing | done
  const [percent, setPercent] = useState(0);
  const xhrRef = useRef(null);
  const inputRef = useRef(null);
  useEffect(() => () => xhrRef.current && xhrRef.current.abort(), []);

  const finish = (xhr) => {
    xhrRef.current = null;
    if (inputRef.current) inputRef.current.value = "";
    if (xhr.status === 200) {
      setPhase("done");
      if (onDone) onDone();
    } else {
      setPhase("idle");
      setPercent(0);
      if (onError) onError(messageOf(xhr));
    }
  };

  const start = (file) => {
    const xhr = new XMLHttpRequest();
    xhrRef.current = xhr;
    xhr.open("POST", uploadUrl);
    xhr.setRequestHeader("Content-Type", "application/octet-stream");
    xhr.setRequestHeader("X-Upload-Name", encodeURIComponent(file.name.slice(0, 200)));
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable) setPercent(Math.min(100, Math.floor((e.loaded * 100) / e.total)));
    };
    xhr.upload.onload = () => {
      setPercent(100);
      setPhase("processing");
    };
    xhr.onload = () => finish(xhr);
    xhr.onerror = () => {
      xhrRef.current = null;
      setPhase("idle");
      setPercent(0);
      if (onError) onError(FAILED);
    };
    xhr.onabort = () => {
      xhrRef.current = null;
      setPhase("idle");
      setPercent(0);
      if (inputRef.current) inputRef.current.value = "";
    };
    setPercent(0);
    setPhase("uploading");
    xhr.send(file);
  };

  const busy = phase === "uploading" || phase === "processing";
  return (
    <div style={{ display: "flex", flexDirection: "column", gap: "var(--space-2)", width: "100%" }}>
      <label htmlFor={inputId} style={{ fontWeight: 500, fontSize: "14px" }}>
        {label}
      </label>
      <input
        ref={inputRef}
        id={inputId}
        type="file"
        accept="video/mp4,video/webm,video/quicktime,.mp4,.webm,.mov"
        disabled={busy}
        style={INPUT_STYLE}
        onChange={(e) => e.target.files && e.target.files[0] && start(e.target.files[0])}
      />
      {phase !== "idle" && (
        <div style={{ display: "flex", flexDirection: "column", gap: "var(--space-1)" }}>
          <ProgressBar percent={percent} label="Video upload progress" />
          <div
            aria-live="polite"
            style={{ display: "flex", alignItems: "center", gap: "var(--space-3)", fontSize: "14px" }}
          >
            <span>{`${percent} %`}</span>
            {phase === "uploading" && <span>Uploading…</span>}
            {phase === "processing" && <span role="status">Processing…</span>}
            {phase === "done" && <span>Upload complete.</span>}
            {phase === "uploading" && (
              <button type="button" onClick={() => xhrRef.current && xhrRef.current.abort()}>
                Cancel upload
              </button>
            )}
          </div>
        </div>
      )}
    </div>
  );
}
