// The validation rules for server code (actions): route modules import them from here, so the
// browser bundle of a page never includes zod. Components that check in the browser load
// ./validation lazily instead (see components/sign-form.tsx).
export * from "./validation";
