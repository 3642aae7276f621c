// Column choice of the orders list: a display preference, so it stays in this browser.
export function loadColumns(key) {
    return window.localStorage.getItem(key);
}

export function saveColumns(key, value) {
    window.localStorage.setItem(key, value);
}

// Saves a file the circuit streamed (an export) through a temporary link, as a browser saves a download.
export async function saveFile(fileName, contentType, streamRef) {
    const buffer = await streamRef.arrayBuffer();
    const url = URL.createObjectURL(new Blob([buffer], { type: contentType }));
    const a = document.createElement("a");
    a.href = url;
    a.download = fileName;
    document.body.appendChild(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10000);
}

export async function copyText(text) {
    try {
        await navigator.clipboard.writeText(text);
        return true;
    } catch {
        return false;
    }
}
