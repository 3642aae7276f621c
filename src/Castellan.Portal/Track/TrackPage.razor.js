// The public tracking view as the RA's endpoint serves it (GET /track/{token}, JSON), fetched by the page itself so
// the page shows exactly what the API shows to anyone holding the link, and nothing more.
export async function fetchView(url) {
    const response = await fetch(url, { headers: { Accept: "application/json" }, credentials: "omit", cache: "no-store" });
    return { status: response.status, body: await response.text() };
}

// Asks the RA to send a pending validation email again (POST /track/{token}/validations/{name}/resend); the answer
// is a problem document when refused, whose detail the page shows.
export async function resend(url) {
    const response = await fetch(url, { method: "POST", headers: { Accept: "application/json" }, credentials: "omit", cache: "no-store" });
    return { status: response.status, body: await response.text() };
}
