// Replaces the webjar's own initializer (which loads the Petstore from the internet): this server's
// document, no validator badge, and the key kept across reloads once entered under "Authorize".
window.addEventListener('load', function () {
  window.ui = SwaggerUIBundle({
    url: '/openapi.json',
    dom_id: '#swagger-ui',
    deepLinking: true,
    persistAuthorization: true,
    validatorUrl: null,
    queryConfigEnabled: false,
    displayRequestDuration: true,
    presets: [SwaggerUIBundle.presets.apis],
    layout: 'BaseLayout'
  });
});
