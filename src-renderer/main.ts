import { mount } from 'svelte';
import App from './App.svelte';
import { connectApi } from './lib/api.ts';
import './styles/global.css';

mount(App, { target: document.getElementById('app') as HTMLElement, props: { api: connectApi() } });
