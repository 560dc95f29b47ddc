import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { DataProvider } from './api/DataProvider';
import { App } from './App';
import { I18nProvider } from './i18n/I18nProvider';
import './styles.css';

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <I18nProvider>
      <DataProvider>
        <App />
      </DataProvider>
    </I18nProvider>
  </StrictMode>,
);
