/** Svelte 5 strips TypeScript from <script lang="ts"> itself, so no preprocessor is needed. */
export default {};
